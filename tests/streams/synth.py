"""Field-picture streams that no encoder here can make.

FFmpeg's MPEG-2 encoder codes interlaced video as frame pictures only, x264
codes interlaced H.264 as MBAFF only, and GStreamer's mpeg2enc crashes when
asked for field pictures.  Yet field pictures are where a stateless driver's
reference handling is hardest, so these two writers produce small, valid
field-coded streams directly: the headers are complete and real (sequence,
picture, slice level), the macroblock layer is the simplest the syntax
allows (H.264: I_PCM and skipped macroblocks; MPEG-2: DC-only intra blocks
and zero-motion field prediction without residual).  What a stateless
decoder's controls carry (picture structure, field parity, POC, frame_num,
reference fields and frames) is exactly that of an encoder's output.

Both use the same GOP in coding order: an I/P field pair (top field intra,
bottom field predicted from it), then P field pairs and non-reference B
field pairs, two B frames between references, top field first.
"""

VERSION = 1


class BitWriter:
    def __init__(self):
        self.bits = []

    def u(self, n, v):
        if v < 0 or v >= (1 << n):
            raise ValueError(f"{v} does not fit in {n} bits")
        self.bits.extend((v >> (n - 1 - i)) & 1 for i in range(n))

    def code(self, s):
        """A VLC written as a string of '0'/'1'."""
        self.bits.extend(1 if c == "1" else 0 for c in s)

    def ue(self, v):
        v += 1
        n = v.bit_length()
        self.u(n - 1, 0)
        self.u(n, v)

    def se(self, v):
        self.ue(2 * v - 1 if v > 0 else -2 * v)

    def aligned(self):
        return len(self.bits) % 8 == 0

    def align_zero(self):
        while not self.aligned():
            self.bits.append(0)

    def trailing(self):
        """rbsp_trailing_bits: a one, then zeros to the byte boundary."""
        self.bits.append(1)
        self.align_zero()

    def data(self):
        if not self.aligned():
            raise ValueError("unaligned bit string")
        out = bytearray()
        for i in range(0, len(self.bits), 8):
            b = 0
            for bit in self.bits[i:i + 8]:
                b = (b << 1) | bit
            out.append(b)
        return bytes(out)


def coding_order(n):
    """[(display index, kind)] in coding order: kind 'I' (the I/P field
    pair), 'P' or 'B'; references every third frame."""
    order = [(0, "I")]
    prev = 0
    while prev < n - 1:
        ref = min(prev + 3, n - 1)
        order.append((ref, "P"))
        order.extend((b, "B") for b in range(prev + 1, ref))
        prev = ref
    return order


def luma(x, y, t):
    return 16 + (x * 3 + y * 2 + 11 * t) % 200


# ---------------------------------------------------------------- H.264

def h264_nal(ref_idc, nal_type, rbsp):
    out = bytearray(b"\x00\x00\x00\x01")
    out.append((ref_idc << 5) | nal_type)
    zeros = 0
    for b in rbsp:
        if zeros >= 2 and b <= 3:
            out.append(3)       # emulation prevention
            zeros = 0
        out.append(b)
        zeros = zeros + 1 if b == 0 else 0
    return bytes(out)


def h264_paff_stream(path, width, height, frames):
    if width % 16 or height % 32:
        raise ValueError("PAFF synth wants width % 16 == 0, height % 32 == 0")
    mbw, mbh = width // 16, height // 32        # field macroblocks
    max_refs = 4
    out = bytearray()

    sps = BitWriter()
    sps.u(8, 77)                # Main profile
    sps.u(8, 0)                 # constraint flags
    sps.u(8, 30)                # level 3.0
    sps.ue(0)                   # seq_parameter_set_id
    sps.ue(0)                   # log2_max_frame_num_minus4
    sps.ue(0)                   # pic_order_cnt_type
    sps.ue(4)                   # log2_max_pic_order_cnt_lsb_minus4
    sps.ue(max_refs)            # max_num_ref_frames
    sps.u(1, 0)                 # gaps_in_frame_num_value_allowed_flag
    sps.ue(mbw - 1)             # pic_width_in_mbs_minus1
    sps.ue(mbh - 1)             # pic_height_in_map_units_minus1
    sps.u(1, 0)                 # frame_mbs_only_flag: fields allowed
    sps.u(1, 0)                 # mb_adaptive_frame_field_flag: PAFF only
    sps.u(1, 1)                 # direct_8x8_inference_flag
    sps.u(1, 0)                 # frame_cropping_flag
    sps.u(1, 0)                 # vui_parameters_present_flag
    sps.trailing()
    out += h264_nal(3, 7, sps.data())

    pps = BitWriter()
    pps.ue(0)                   # pic_parameter_set_id
    pps.ue(0)                   # seq_parameter_set_id
    pps.u(1, 0)                 # entropy_coding_mode_flag: CAVLC
    pps.u(1, 0)                 # bottom_field_pic_order_in_frame_present
    pps.ue(0)                   # num_slice_groups_minus1
    pps.ue(0)                   # num_ref_idx_l0_default_active_minus1
    pps.ue(0)                   # num_ref_idx_l1_default_active_minus1
    pps.u(1, 0)                 # weighted_pred_flag
    pps.u(2, 0)                 # weighted_bipred_idc
    pps.se(0)                   # pic_init_qp_minus26
    pps.se(0)                   # pic_init_qs_minus26
    pps.se(0)                   # chroma_qp_index_offset
    pps.u(1, 1)                 # deblocking_filter_control_present_flag
    pps.u(1, 0)                 # constrained_intra_pred_flag
    pps.u(1, 0)                 # redundant_pic_cnt_present_flag
    pps.trailing()
    out += h264_nal(3, 8, pps.data())

    frame_num = 0
    ref_frames = 0              # reference frames held (sliding window)
    for disp, kind in coding_order(frames):
        is_ref = kind != "B"
        if kind == "I":
            frame_num = 0
        for bottom in (0, 1):
            if kind == "I":
                st = "I" if bottom == 0 else "P"
            else:
                st = kind
            idr = kind == "I" and bottom == 0
            # Reference fields available: two per complete reference frame,
            # plus the first field of this frame for its second field.
            avail = 2 * ref_frames + (1 if is_ref and bottom else 0)
            s = BitWriter()
            s.ue(0)                                  # first_mb_in_slice
            s.ue({"P": 5, "B": 6, "I": 7}[st])       # slice_type
            s.ue(0)                                  # pic_parameter_set_id
            s.u(4, frame_num % 16)                   # frame_num
            s.u(1, 1)                                # field_pic_flag
            s.u(1, bottom)                           # bottom_field_flag
            if idr:
                s.ue(0)                              # idr_pic_id
            s.u(8, (2 * disp + bottom) % 256)        # pic_order_cnt_lsb
            if st == "B":
                s.u(1, 1)                            # direct_spatial_mv_pred
            if st in ("P", "B"):
                s.u(1, 1)                            # num_ref_idx_override
                if st == "P":
                    s.ue(min(avail, 2) - 1)
                else:
                    s.ue(min(avail // 2, 2) - 1)     # l0: past fields
                    s.ue(0)                          # l1: one future field
                s.u(1, 0)                            # ref_pic_list_mod l0
                if st == "B":
                    s.u(1, 0)                        # ref_pic_list_mod l1
            if is_ref:
                if idr:
                    s.u(1, 0)                        # no_output_of_prior_pics
                    s.u(1, 0)                        # long_term_reference_flag
                else:
                    s.u(1, 0)                        # adaptive marking: off
            s.se(0)                                  # slice_qp_delta
            s.ue(1)                                  # deblocking disabled
            if st == "I":
                for my in range(mbh):
                    for mx in range(mbw):
                        s.ue(25)                     # mb_type I_PCM
                        s.align_zero()
                        for y in range(16):
                            row = 2 * (my * 16 + y) + bottom
                            for x in range(16):
                                s.u(8, luma(mx * 16 + x, row, disp))
                        for c in (0, 1):
                            for y in range(8):
                                for x in range(8):
                                    s.u(8, 128 + (40 if c else -40)
                                        * ((mx + my) % 2))
            else:
                s.ue(mbw * mbh)                      # mb_skip_run: all
            s.trailing()
            nal_type = 5 if idr else 1
            out += h264_nal(2 if is_ref else 0, nal_type, s.data())
        if is_ref:
            ref_frames = min(ref_frames + 1, max_refs)
            frame_num += 1
        elif kind == "B":
            pass
    with open(path, "wb") as fh:
        fh.write(out)


# ---------------------------------------------------------------- MPEG-2

DC_LUMA = ["100", "00", "01", "101", "110", "1110", "11110", "111110",
           "1111110", "11111110", "111111110", "111111111"]
DC_CHROMA = ["00", "01", "10", "110", "1110", "11110", "111110", "1111110",
             "11111110", "111111110", "1111111110", "1111111111"]


def mpeg2_dc(w, table, diff):
    size = abs(diff).bit_length()
    w.code(table[size])
    if size:
        w.u(size, diff if diff > 0 else diff + (1 << size) - 1)


def start_code(w, code):
    w.align_zero()
    w.u(24, 1)
    w.u(8, code)


def mpeg2_field_stream(path, width, height, frames):
    mbw = (width + 15) // 16
    mbh = 2 * ((height + 31) // 32) // 2       # macroblock rows per field
    w = BitWriter()
    start_code(w, 0xB3)                         # sequence_header
    w.u(12, width)
    w.u(12, height)
    w.u(4, 2)                                   # aspect 4:3
    w.u(4, 3)                                   # 25 frames/s
    w.u(18, 5000)                               # bit_rate (400 bit/s units)
    w.u(1, 1)                                   # marker
    w.u(10, 112)                                # vbv_buffer_size
    w.u(1, 0)                                   # constrained_parameters
    w.u(1, 0)                                   # load_intra_quantiser_matrix
    w.u(1, 0)                                   # load_non_intra_quantiser_m.
    start_code(w, 0xB5)                         # sequence_extension
    w.u(4, 1)
    w.u(8, 0x48)                                # Main profile, Main level
    w.u(1, 0)                                   # progressive_sequence
    w.u(2, 1)                                   # chroma 4:2:0
    w.u(2, 0)
    w.u(2, 0)                                   # size extensions
    w.u(12, 0)                                  # bit_rate_extension
    w.u(1, 1)                                   # marker
    w.u(8, 0)                                   # vbv_buffer_size_extension
    w.u(1, 0)                                   # low_delay
    w.u(2, 0)
    w.u(5, 0)                                   # frame_rate_extension
    start_code(w, 0xB8)                         # group_of_pictures
    w.u(25, 1 << 12)                            # time code 0, marker set
    w.u(1, 1)                                   # closed_gop
    w.u(1, 0)                                   # broken_link
    for disp, kind in coding_order(frames):
        for structure in (1, 2):                # top field, then bottom
            if kind == "I":
                pct = 1 if structure == 1 else 2
            else:
                pct = {"P": 2, "B": 3}[kind]
            start_code(w, 0x00)                 # picture_header
            w.u(10, disp)                       # temporal_reference
            w.u(3, pct)
            w.u(16, 0xFFFF)                     # vbv_delay
            if pct in (2, 3):
                w.u(1, 0)
                w.u(3, 7)                       # forward_f_code (MPEG-2: 7)
            if pct == 3:
                w.u(1, 0)
                w.u(3, 7)                       # backward_f_code
            w.u(1, 0)                           # extra_bit_picture
            start_code(w, 0xB5)                 # picture_coding_extension
            w.u(4, 8)
            fwd = 1 if pct in (2, 3) else 15
            bwd = 1 if pct == 3 else 15
            for f in (fwd, fwd, bwd, bwd):
                w.u(4, f)                       # f_code[s][t]
            w.u(2, 0)                           # intra_dc_precision: 8 bits
            w.u(2, structure)                   # picture_structure
            w.u(1, 0)                           # top_field_first (fields: 0)
            w.u(1, 0)                           # frame_pred_frame_dct
            w.u(1, 0)                           # concealment_motion_vectors
            w.u(1, 0)                           # q_scale_type
            w.u(1, 0)                           # intra_vlc_format
            w.u(1, 0)                           # alternate_scan
            w.u(1, 0)                           # repeat_first_field
            w.u(1, 0)                           # chroma_420_type
            w.u(1, 0)                           # progressive_frame
            w.u(1, 0)                           # composite_display_flag
            # Reference field choice (motion_vertical_field_select): P top
            # fields predict from the previous frame's bottom field, second
            # fields from the first field of their own frame; B fields from
            # the same parity in both directions.
            sel_fwd = 0 if structure == 2 else 1
            if pct == 3:
                sel_fwd = structure - 1
            for row in range(mbh):
                start_code(w, row + 1)          # slice, vertical position
                w.u(5, 8)                       # quantiser_scale_code
                w.u(1, 0)                       # extra_bit_slice
                pred = [128, 128, 128]          # DC predictors, reset
                for col in range(mbw):
                    w.code("1")                 # address increment 1
                    if pct == 1:
                        w.code("1")             # Intra
                        for blk in range(6):
                            if blk < 4:
                                x = col * 16 + (blk % 2) * 8 + 4
                                y = 2 * (row * 16 + (blk // 2) * 8 + 4) \
                                    + structure - 1
                                dc, c, table = luma(x, y, disp), 0, DC_LUMA
                            else:
                                c = blk - 3
                                dc = 128 + (30 if c == 1 else -30) \
                                    * ((col + row) % 2)
                                table = DC_CHROMA
                            mpeg2_dc(w, table, dc - pred[c])
                            pred[c] = dc
                            w.code("10")        # end of block
                    elif pct == 2:
                        w.code("001")           # MC, not coded
                        w.code("01")            # field-based prediction
                        w.u(1, sel_fwd)         # motion_vertical_field_sel.
                        w.code("1")
                        w.code("1")             # motion (0, 0)
                    else:
                        w.code("10")            # interpolated, not coded
                        w.code("01")            # field-based prediction
                        for sel in (sel_fwd, sel_fwd):
                            w.u(1, sel)
                            w.code("1")
                            w.code("1")         # motion (0, 0)
    start_code(w, 0xB7)                         # sequence_end
    with open(path, "wb") as fh:
        fh.write(w.data())
