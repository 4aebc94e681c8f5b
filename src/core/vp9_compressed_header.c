/* VP9 compressed header (spec 6.3 syntax, 9.3 semantics of the updates). */
#include "v4l2r/vp9.h"

#include <string.h>

/* inv_map_table[] of spec 6.3.5: first every 13th value from 7, then the
 * other values of 1..253 in order. Built once per call: 254 bytes. */
static void build_inv_map(uint8_t map[254])
{
	unsigned n = 0;

	for (unsigned v = 7; v <= 254; v += 13)
		map[n++] = v;
	for (unsigned v = 1; v <= 253; v++)
		if ((v + 6) % 13)
			map[n++] = v;
}

struct reader {
	struct v4l2r_vp9_bool bd;
	uint8_t inv_map[254];
	bool bad_delta;
};

/* decode_term_subexp() of spec 6.3.4. */
static unsigned term_subexp(struct reader *r)
{
	struct v4l2r_vp9_bool *bd = &r->bd;

	if (!v4l2r_vp9_bool_literal(bd, 1))
		return v4l2r_vp9_bool_literal(bd, 4);
	if (!v4l2r_vp9_bool_literal(bd, 1))
		return v4l2r_vp9_bool_literal(bd, 4) + 16;
	if (!v4l2r_vp9_bool_literal(bd, 1))
		return v4l2r_vp9_bool_literal(bd, 5) + 32;
	unsigned v = v4l2r_vp9_bool_literal(bd, 7);
	if (v < 65)
		return v + 64;
	return (v << 1) - 1 + v4l2r_vp9_bool_literal(bd, 1);
}

/* diff_update_prob(): the control wants inv_map_table[deltaProb], which is
 * never 0, so 0 stays "no update". */
static void diff_update(struct reader *r, uint8_t *delta)
{
	if (!v4l2r_vp9_bool_read(&r->bd, 252))
		return;
	unsigned d = term_subexp(r);
	/* the code reaches 254, one past the table */
	if (d >= sizeof(r->inv_map)) {
		r->bad_delta = true;
		return;
	}
	*delta = r->inv_map[d];
}

static void diff_update_n(struct reader *r, uint8_t *delta, size_t n)
{
	for (size_t i = 0; i < n; i++)
		diff_update(r, &delta[i]);
}

/* update_mv_prob(): the new probability itself. */
static void mv_update(struct reader *r, uint8_t *prob, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (v4l2r_vp9_bool_read(&r->bd, 252))
			prob[i] = v4l2r_vp9_bool_literal(&r->bd, 7) << 1 | 1;
}

static void tx_mode(struct reader *r, const struct v4l2r_vp9_frame_info *info,
		    struct v4l2_ctrl_vp9_compressed_hdr *hdr)
{
	if (info->lossless) {
		hdr->tx_mode = V4L2_VP9_TX_MODE_ONLY_4X4;
		return;
	}
	hdr->tx_mode = v4l2r_vp9_bool_literal(&r->bd, 2);
	if (hdr->tx_mode == V4L2_VP9_TX_MODE_ALLOW_32X32)
		hdr->tx_mode += v4l2r_vp9_bool_literal(&r->bd, 1);
	if (hdr->tx_mode != V4L2_VP9_TX_MODE_SELECT)
		return;
	for (int i = 0; i < 2; i++)
		diff_update_n(r, hdr->tx8[i], 1);
	for (int i = 0; i < 2; i++)
		diff_update_n(r, hdr->tx16[i], 2);
	for (int i = 0; i < 2; i++)
		diff_update_n(r, hdr->tx32[i], 3);
}

static void coef_probs(struct reader *r, struct v4l2_ctrl_vp9_compressed_hdr *hdr)
{
	/* tx_mode_to_biggest_tx_size[]: ALLOW_32X32 and SELECT both reach 32x32 */
	unsigned max_tx = hdr->tx_mode < 3 ? hdr->tx_mode : 3;

	for (unsigned tx = 0; tx <= max_tx; tx++) {
		if (!v4l2r_vp9_bool_literal(&r->bd, 1))
			continue;
		for (int i = 0; i < 2; i++)
			for (int j = 0; j < 2; j++)
				for (int band = 0; band < 6; band++)
					/* band 0 has 3 contexts */
					diff_update_n(r, hdr->coef[tx][i][j][band][0],
						      (band ? 6 : 3) * 3);
	}
}

static bool compound_allowed(const struct v4l2r_vp9_frame_info *info)
{
	return info->sign_bias[2] != info->sign_bias[1] ||
	       info->sign_bias[3] != info->sign_bias[1];
}

static uint8_t reference_mode(struct reader *r,
			      const struct v4l2r_vp9_frame_info *info)
{
	if (!compound_allowed(info) || !v4l2r_vp9_bool_literal(&r->bd, 1))
		return V4L2_VP9_REFERENCE_MODE_SINGLE_REFERENCE;
	if (!v4l2r_vp9_bool_literal(&r->bd, 1))
		return V4L2_VP9_REFERENCE_MODE_COMPOUND_REFERENCE;
	return V4L2_VP9_REFERENCE_MODE_SELECT;
}

static void mv_probs(struct reader *r, const struct v4l2r_vp9_frame_info *info,
		     struct v4l2_vp9_mv_probs *mv)
{
	mv_update(r, mv->joint, 3);
	for (int i = 0; i < 2; i++) {
		mv_update(r, &mv->sign[i], 1);
		mv_update(r, mv->classes[i], 10);
		mv_update(r, &mv->class0_bit[i], 1);
		mv_update(r, mv->bits[i], 10);
	}
	for (int i = 0; i < 2; i++) {
		for (int j = 0; j < 2; j++)
			mv_update(r, mv->class0_fr[i][j], 3);
		mv_update(r, mv->fr[i], 3);
	}
	if (!info->allow_high_precision_mv)
		return;
	for (int i = 0; i < 2; i++) {
		mv_update(r, &mv->class0_hp[i], 1);
		mv_update(r, &mv->hp[i], 1);
	}
}

const char *v4l2r_vp9_compressed_header(const uint8_t *data, size_t size,
					const struct v4l2r_vp9_frame_info *info,
					struct v4l2_ctrl_vp9_compressed_hdr *hdr,
					uint8_t *ref_mode)
{
	struct reader r = { .bad_delta = false };

	memset(hdr, 0, sizeof(*hdr));
	*ref_mode = V4L2_VP9_REFERENCE_MODE_SINGLE_REFERENCE;
	if (!v4l2r_vp9_bool_init(&r.bd, data, size))
		return "header_size_in_bytes (empty, or marker bit set)";
	build_inv_map(r.inv_map);

	tx_mode(&r, info, hdr);
	coef_probs(&r, hdr);
	diff_update_n(&r, hdr->skip, 3);
	if (!info->intra) {
		diff_update_n(&r, hdr->inter_mode[0], 7 * 3);
		if (info->switchable_interp)
			diff_update_n(&r, hdr->interp_filter[0], 4 * 2);
		diff_update_n(&r, hdr->is_inter, 4);
		*ref_mode = reference_mode(&r, info);
		if (*ref_mode == V4L2_VP9_REFERENCE_MODE_SELECT)
			diff_update_n(&r, hdr->comp_mode, 5);
		if (*ref_mode != V4L2_VP9_REFERENCE_MODE_COMPOUND_REFERENCE)
			diff_update_n(&r, hdr->single_ref[0], 5 * 2);
		if (*ref_mode != V4L2_VP9_REFERENCE_MODE_SINGLE_REFERENCE)
			diff_update_n(&r, hdr->comp_ref, 5);
		diff_update_n(&r, hdr->y_mode[0], 4 * 9);
		diff_update_n(&r, hdr->partition[0], 16 * 3);
		mv_probs(&r, info, &hdr->mv);
	}
	if (r.bad_delta)
		return "delta probability (beyond inv_map_table)";
	if (r.bd.overrun)
		return "header_size_in_bytes (compressed header runs past its size)";
	return NULL;
}
