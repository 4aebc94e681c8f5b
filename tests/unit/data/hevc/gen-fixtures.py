#!/usr/bin/env python3
"""Writes fixtures.h for tests/unit/test-va-hevc.c (see make-fixtures.sh).

Input: pairs of (Annex B .hevc file, trace_headers output of it). For every
picture it writes what a VA-API client (FFmpeg's vaapi_hevc) would send:
picture parameters from the SPS/PPS, ReferenceFrames[] with the RPS flags,
each slice's parameters and RefPicList[], and the first 64 bytes of each
slice NAL; and what the V4L2 controls must then hold, taken from the trace:
header sizes, bit sizes of the reference picture sets, entry points, the
order of PocStCurrBefore/After, the prediction weights.

The DPB is simulated just enough to get those: POCs (8.3.1), reference
picture sets (8.3.2) and reference picture lists (8.3.4) of streams with no
long-term pictures and no list modification. Surfaces come from a pool of
16, the lowest one free, and ReferenceFrames[] lists them in surface order,
as a client iterating its DPB slots does: not in POC order.
"""
import re
import sys

KEEP_BYTES = 64
SURFACE_BASE = 0x100


def split_nals(data):
    starts = [m.start() + 3 for m in re.finditer(b'\x00\x00\x01', data)]
    nals = []
    for i, s in enumerate(starts):
        end = starts[i + 1] - 3 if i + 1 < len(starts) else len(data)
        nal = data[s:end]
        while nal.endswith(b'\x00'):
            nal = nal[:-1]
        nals.append(nal)
    return nals


def parse_trace(text):
    """Syntax elements of each NAL unit, in stream order (the extradata
    traced before the first packet left out)."""
    lines = text.splitlines()
    first = next(i for i, l in enumerate(lines) if l.startswith('Packet:'))
    nals = []
    elem = re.compile(r'^(\d+)\s+(\S+)\s+([01]+)\s+=\s+(-?\d+)$')
    for line in lines[first:]:
        m = elem.match(line.strip())
        if not m:
            continue
        pos, name, bits, value = int(m[1]), m[2], m[3], int(m[4])
        if name == 'forbidden_zero_bit' and pos == 0:
            nals.append([])
        nals[-1].append((pos, name, len(bits), value))
    return nals


class Nal:
    def __init__(self, raw, elems):
        self.raw = raw
        self.elems = elems
        self.v = {}
        for pos, name, n, value in elems:
            self.v.setdefault(name, value)
        self.type = self.v['nal_unit_type']

    def get(self, name, default=0):
        return self.v.get(name, default)

    def pos(self, name):
        for pos, n, _, _ in self.elems:
            if n == name:
                return pos
        return None


def raw_offset(raw, rbsp_bytes):
    """Raw byte index where RBSP byte rbsp_bytes starts."""
    zeros = 0
    n = 0
    i = 0
    while n < rbsp_bytes:
        if zeros >= 2 and raw[i] == 3:
            zeros = 0
            i += 1
            continue
        zeros = zeros + 1 if raw[i] == 0 else 0
        n += 1
        i += 1
    if zeros >= 2 and i < len(raw) and raw[i] == 3:
        i += 1
    return i


RPS_ELEMS = ('inter_ref_pic_set_prediction_flag', 'delta_idx_minus1',
             'delta_rps_sign', 'abs_delta_rps_minus1', 'used_by_curr_pic_flag',
             'use_delta_flag', 'num_negative_pics', 'num_positive_pics',
             'delta_poc_s0_minus1', 'used_by_curr_pic_s0_flag',
             'delta_poc_s1_minus1', 'used_by_curr_pic_s1_flag')


def base(name):
    return name.split('[')[0]


def slice_info(nal, pps, sps):
    s = {}
    g = nal.get
    s['nal_unit_type'] = nal.type
    s['nuh_temporal_id_plus1'] = g('nuh_temporal_id_plus1')
    s['first_slice_segment_in_pic_flag'] = g('first_slice_segment_in_pic_flag')
    s['no_output_of_prior_pics_flag'] = g('no_output_of_prior_pics_flag')
    s['dependent_slice_segment_flag'] = g('dependent_slice_segment_flag')
    s['slice_segment_address'] = g('slice_segment_address')
    st = g('slice_type')
    s['slice_type'] = st
    s['slice_sao_luma_flag'] = g('slice_sao_luma_flag')
    s['slice_sao_chroma_flag'] = g('slice_sao_chroma_flag')
    s['slice_temporal_mvp_enabled_flag'] = g('slice_temporal_mvp_enabled_flag')
    s['mvd_l1_zero_flag'] = g('mvd_l1_zero_flag')
    s['cabac_init_flag'] = g('cabac_init_flag')
    s['collocated_from_l0_flag'] = g('collocated_from_l0_flag', 1)
    s['collocated_ref_idx'] = g('collocated_ref_idx')
    if st != 2:
        if g('num_ref_idx_active_override_flag'):
            l0 = g('num_ref_idx_l0_active_minus1')
            l1 = g('num_ref_idx_l1_active_minus1') if st == 0 else 0
        else:
            l0 = pps['num_ref_idx_l0_default_active_minus1']
            l1 = pps['num_ref_idx_l1_default_active_minus1'] if st == 0 else 0
    else:
        l0 = l1 = 0
    s['num_ref_idx_l0_active_minus1'] = l0
    s['num_ref_idx_l1_active_minus1'] = l1
    s['five_minus_max_num_merge_cand'] = g('five_minus_max_num_merge_cand')
    s['slice_qp_delta'] = g('slice_qp_delta')
    s['slice_cb_qp_offset'] = g('slice_cb_qp_offset')
    s['slice_cr_qp_offset'] = g('slice_cr_qp_offset')
    s['slice_deblocking_filter_disabled_flag'] = g(
        'slice_deblocking_filter_disabled_flag',
        pps.get('pps_deblocking_filter_disabled_flag', 0))
    s['slice_beta_offset_div2'] = g('slice_beta_offset_div2',
                                    pps.get('pps_beta_offset_div2', 0))
    s['slice_tc_offset_div2'] = g('slice_tc_offset_div2',
                                  pps.get('pps_tc_offset_div2', 0))
    s['slice_loop_filter_across_slices_enabled_flag'] = g(
        'slice_loop_filter_across_slices_enabled_flag',
        pps.get('pps_loop_filter_across_slices_enabled_flag', 0))
    # Where the header ends, and the reference picture set's size.
    align = [p + n for p, name, n, _ in nal.elems if name.startswith('alignment_bit')]
    header_bits = max(align)
    assert header_bits % 8 == 0
    s['header_rbsp_bytes'] = header_bits // 8
    s['header_raw_bytes'] = raw_offset(nal.raw, header_bits // 8)
    rps = [(p, n) for p, name, n, _ in nal.elems if base(name) in RPS_ELEMS]
    s['st_rps_bits'] = (rps[-1][0] + rps[-1][1] - rps[0][0]) if rps else 0
    eps = [v + 1 for p, name, n, v in nal.elems
           if base(name) == 'entry_point_offset_minus1']
    s['num_entry_point_offsets'] = g('num_entry_point_offsets')
    assert len(eps) == s['num_entry_point_offsets']
    s['entry_points'] = eps
    # Prediction weights as the control holds them (ChromaOffsetLX, 7-56).
    s['luma_log2_weight_denom'] = g('luma_log2_weight_denom')
    s['delta_chroma_log2_weight_denom'] = g('delta_chroma_log2_weight_denom')
    cdenom = s['luma_log2_weight_denom'] + s['delta_chroma_log2_weight_denom']
    for l in range(2):
        n = (l0 if l == 0 else l1) + 1
        dlw, lo, dcw, co = [], [], [], []
        for i in range(15):
            dlw.append(g('delta_luma_weight_l%d[%d]' % (l, i)))
            lo.append(g('luma_offset_l%d[%d]' % (l, i)))
            w, o = [], []
            for j in range(2):
                d = g('delta_chroma_weight_l%d[%d][%d]' % (l, i, j))
                off = g('chroma_offset_l%d[%d][%d]' % (l, i, j))
                w.append(d)
                if g('luma_log2_weight_denom', None) is None or i >= n or \
                        (l == 1 and st != 0):
                    o.append(0)
                else:
                    weight = (1 << cdenom) + d
                    v = 128 + off - ((128 * weight) >> cdenom)
                    o.append(max(-128, min(127, v)))
            dcw.append(w)
            co.append(o)
        s['delta_luma_weight_l%d' % l] = dlw
        s['luma_offset_l%d' % l] = lo
        s['delta_chroma_weight_l%d' % l] = dcw
        s['chroma_offset_l%d' % l] = co
    s['short_term_ref_pic_set_sps_flag'] = g('short_term_ref_pic_set_sps_flag')
    s['slice_pic_order_cnt_lsb'] = g('slice_pic_order_cnt_lsb')
    # The slice's RPS as delta POCs and used flags.
    neg = g('num_negative_pics')
    pos = g('num_positive_pics')
    s0, s1 = [], []
    d = 0
    for i in range(neg):
        d -= g('delta_poc_s0_minus1[%d]' % i) + 1
        s0.append((d, g('used_by_curr_pic_s0_flag[%d]' % i)))
    d = 0
    for i in range(pos):
        d += g('delta_poc_s1_minus1[%d]' % i) + 1
        s1.append((d, g('used_by_curr_pic_s1_flag[%d]' % i)))
    s['rps'] = (s0, s1)
    return s


def is_irap(t):
    return 16 <= t <= 23


def is_sub_layer_non_ref(t):
    return t <= 14 and t % 2 == 0


def c_array(values):
    return '{ ' + ', '.join(str(v) for v in values) + ' }'


def emit_stream(name, hevc, trace, out):
    nals = [Nal(r, e) for r, e in zip(split_nals(open(hevc, 'rb').read()),
                                       parse_trace(open(trace).read()))]
    assert len(split_nals(open(hevc, 'rb').read())) == len(parse_trace(open(trace).read()))
    for n in nals:
        assert n.raw[0] >> 1 & 0x3f == n.type, 'trace and stream disagree'
    sps = pps = None
    pictures = []
    for n in nals:
        if n.type == 33:
            sps = n.v
        elif n.type == 34:
            pps = n.v
        elif n.type <= 21:
            info = slice_info(n, pps, sps)
            info['raw'] = n.raw
            if info['first_slice_segment_in_pic_flag']:
                pictures.append({'sps': sps, 'pps': pps, 'slices': []})
            pictures[-1]['slices'].append(info)

    sps = pictures[0]['sps']
    pps = pictures[0]['pps']
    sfields = ['pic_width_in_luma_samples', 'pic_height_in_luma_samples',
               'chroma_format_idc', 'bit_depth_luma_minus8',
               'bit_depth_chroma_minus8', 'log2_max_pic_order_cnt_lsb_minus4',
               'sps_max_dec_pic_buffering_minus1[0]', 'sps_max_num_reorder_pics[0]',
               'log2_min_luma_coding_block_size_minus3',
               'log2_diff_max_min_luma_coding_block_size',
               'log2_min_luma_transform_block_size_minus2',
               'log2_diff_max_min_luma_transform_block_size',
               'max_transform_hierarchy_depth_inter',
               'max_transform_hierarchy_depth_intra', 'scaling_list_enabled_flag',
               'amp_enabled_flag', 'sample_adaptive_offset_enabled_flag',
               'pcm_enabled_flag', 'num_short_term_ref_pic_sets',
               'long_term_ref_pics_present_flag', 'sps_temporal_mvp_enabled_flag',
               'strong_intra_smoothing_enabled_flag']
    pfields = ['pps_pic_parameter_set_id', 'dependent_slice_segments_enabled_flag',
               'output_flag_present_flag', 'num_extra_slice_header_bits',
               'sign_data_hiding_enabled_flag', 'cabac_init_present_flag',
               'num_ref_idx_l0_default_active_minus1',
               'num_ref_idx_l1_default_active_minus1', 'init_qp_minus26',
               'constrained_intra_pred_flag', 'transform_skip_enabled_flag',
               'cu_qp_delta_enabled_flag', 'diff_cu_qp_delta_depth',
               'pps_cb_qp_offset', 'pps_cr_qp_offset',
               'pps_slice_chroma_qp_offsets_present_flag', 'weighted_pred_flag',
               'weighted_bipred_flag', 'transquant_bypass_enabled_flag',
               'tiles_enabled_flag', 'entropy_coding_sync_enabled_flag',
               'pps_loop_filter_across_slices_enabled_flag',
               'deblocking_filter_control_present_flag',
               'deblocking_filter_override_enabled_flag',
               'pps_deblocking_filter_disabled_flag', 'pps_beta_offset_div2',
               'pps_tc_offset_div2', 'lists_modification_present_flag',
               'log2_parallel_merge_level_minus2',
               'slice_segment_header_extension_present_flag']
    out.append('static const struct fx_stream fx_%s_stream = {' % name)
    out.append('\t.name = "%s",' % name)
    for f in sfields + pfields:
        out.append('\t.%s = %d,' % (base(f), sps.get(f, pps.get(f, 0))))
    out.append('};')
    out.append('')

    max_lsb = 1 << (sps['log2_max_pic_order_cnt_lsb_minus4'] + 4)
    slots = [None] * 16      # (poc, is_ref) per surface
    prev_tid0_poc = 0
    first = True
    kinds = set()
    emitted = []
    for k, pic in enumerate(pictures):
        s0 = pic['slices'][0]
        t = s0['nal_unit_type']
        no_rasl_output = t in (19, 20) or 16 <= t <= 18 or first
        first = False
        lsb = s0['slice_pic_order_cnt_lsb'] if t not in (19, 20) else 0
        if is_irap(t) and no_rasl_output:
            msb = 0
        else:
            prev_lsb = prev_tid0_poc & (max_lsb - 1)
            prev_msb = prev_tid0_poc - prev_lsb
            if lsb < prev_lsb and prev_lsb - lsb >= max_lsb // 2:
                msb = prev_msb + max_lsb
            elif lsb > prev_lsb and lsb - prev_lsb > max_lsb // 2:
                msb = prev_msb - max_lsb
            else:
                msb = prev_msb
        poc = msb + lsb
        if s0['nuh_temporal_id_plus1'] == 1 and not (8 <= t <= 9 or 6 <= t <= 7) \
                and not is_sub_layer_non_ref(t):
            prev_tid0_poc = poc

        # 8.3.2: the RPS; pictures out of it stop being references.
        rs0, rs1 = s0['rps']
        before = [poc + d for d, u in rs0 if u]
        after = [poc + d for d, u in rs1 if u]
        foll = [poc + d for d, u in rs0 + rs1 if not u]
        if is_irap(t) and no_rasl_output:
            slots = [None] * 16
        in_rps = set(before + after + foll)
        for i, sl in enumerate(slots):
            if sl is not None and sl[0] not in in_rps:
                slots[i] = None
        refs = [(i, sl[0]) for i, sl in enumerate(slots) if sl is not None]
        ref_index = {p: j for j, (i, p) in enumerate(refs)}
        for p in before + after:
            assert p in ref_index, 'missing reference POC %d' % p
        surface = slots.index(None)

        # Emit the first picture of each kind only (and the last one).
        kind = (t, s0['slice_type'])
        if kind in kinds and k != len(pictures) - 1:
            slots[surface] = (poc, True)
            continue
        kinds.add(kind)
        emitted.append(k)
        pname = 'fx_%s_%d' % (name, k)
        for j, sl in enumerate(pic['slices']):
            raw = sl['raw']
            out.append('static const uint8_t %s_s%d[] = {' % (pname, j))
            keep = raw[:KEEP_BYTES]
            for o in range(0, len(keep), 12):
                out.append('\t' + ', '.join('0x%02x' % b for b in keep[o:o + 12]) + ',')
            out.append('};')
        out.append('static const struct fx_picture %s = {' % pname)
        out.append('\t.stream = &fx_%s_stream,' % name)
        out.append('\t.decode_index = %d,' % k)
        out.append('\t.surface = %#x,' % (SURFACE_BASE + surface))
        out.append('\t.poc = %d,' % poc)
        out.append('\t.n_refs = %d,' % len(refs))
        out.append('\t.refs = {')
        for i, p in refs:
            flags = []
            if p in before:
                flags.append('VA_PICTURE_HEVC_RPS_ST_CURR_BEFORE')
            elif p in after:
                flags.append('VA_PICTURE_HEVC_RPS_ST_CURR_AFTER')
            out.append('\t\t{ %#x, %d, %s },' % (SURFACE_BASE + i, p,
                                                  ' | '.join(flags) or '0'))
        out.append('\t},')
        out.append('\t.n_before = %d, .before = %s,' % (
            len(before), c_array([ref_index[p] for p in before] or [0])))
        out.append('\t.n_after = %d, .after = %s,' % (
            len(after), c_array([ref_index[p] for p in after] or [0])))
        out.append('\t.st_rps_bits = %d,' % s0['st_rps_bits'])
        out.append('\t.n_slices = %d,' % len(pic['slices']))
        out.append('\t.slices = {')
        # 8.3.4, no list modification.
        cur = before + after
        lists = []
        for l in range(2):
            n = s0['num_ref_idx_l%d_active_minus1' % l] + 1
            temp = (before + after) if l == 0 else (after + before)
            rpl = [ref_index[temp[i % len(temp)]] for i in range(n)] if cur else []
            lists.append(rpl)
        for j, sl in enumerate(pic['slices']):
            out.append('\t\t{')
            out.append('\t\t\t.bytes = %s_s%d, .n_bytes = sizeof(%s_s%d),' % (
                pname, j, pname, j))
            out.append('\t\t\t.nal_size = %d,' % len(sl['raw']))
            for f in ('nal_unit_type', 'nuh_temporal_id_plus1',
                      'first_slice_segment_in_pic_flag',
                      'no_output_of_prior_pics_flag',
                      'dependent_slice_segment_flag', 'slice_segment_address',
                      'slice_type', 'slice_sao_luma_flag', 'slice_sao_chroma_flag',
                      'slice_temporal_mvp_enabled_flag', 'mvd_l1_zero_flag',
                      'cabac_init_flag', 'collocated_from_l0_flag',
                      'collocated_ref_idx', 'num_ref_idx_l0_active_minus1',
                      'num_ref_idx_l1_active_minus1',
                      'five_minus_max_num_merge_cand', 'slice_qp_delta',
                      'slice_cb_qp_offset', 'slice_cr_qp_offset',
                      'slice_deblocking_filter_disabled_flag',
                      'slice_beta_offset_div2', 'slice_tc_offset_div2',
                      'slice_loop_filter_across_slices_enabled_flag',
                      'header_rbsp_bytes', 'header_raw_bytes', 'st_rps_bits',
                      'num_entry_point_offsets', 'luma_log2_weight_denom',
                      'delta_chroma_log2_weight_denom'):
                if sl[f]:
                    out.append('\t\t\t.%s = %d,' % (f, sl[f]))
            if sl['entry_points']:
                out.append('\t\t\t.entry_points = %s,' % c_array(sl['entry_points']))
            if sl['luma_log2_weight_denom'] or sl['delta_chroma_log2_weight_denom'] \
                    or any(sl['delta_luma_weight_l0']) or any(sl['luma_offset_l0']):
                for l in range(2):
                    n = sl['num_ref_idx_l%d_active_minus1' % l] + 1
                    if l == 1 and sl['slice_type'] != 0:
                        continue
                    for f in ('delta_luma_weight', 'luma_offset'):
                        out.append('\t\t\t.%s[%d] = %s,' % (
                            f, l, c_array(sl['%s_l%d' % (f, l)][:n])))
                    for f in ('delta_chroma_weight', 'chroma_offset'):
                        out.append('\t\t\t.%s[%d] = { %s },' % (
                            f, l, ', '.join(c_array(x) for x in sl['%s_l%d' % (f, l)][:n])))
            for l in range(2):
                if lists[l] and (l == 0 or sl['slice_type'] == 0):
                    out.append('\t\t\t.ref_pic_list[%d] = %s,' % (
                        l, c_array(lists[l])))
            out.append('\t\t},')
        out.append('\t},')
        out.append('};')
        out.append('')
        slots[surface] = (poc, True)
    out.append('static const struct fx_picture *const fx_%s[] = {' % name)
    for k in emitted:
        out.append('\t&fx_%s_%d,' % (name, k))
    out.append('};')
    out.append('')


def main():
    args = sys.argv[1:]
    out = ['/* Generated by gen-fixtures.py (see make-fixtures.sh): do not edit. */',
           '']
    names = 'ab'
    for i in range(0, len(args), 2):
        emit_stream(names[i // 2], args[i], args[i + 1], out)
    print('\n'.join(out))


main()
