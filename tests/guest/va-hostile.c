/* Hostile input through the real VA driver (issue 13 item 6): for every
 * codec and bit depth the device decodes (HEVC Main 10 and VP9 profile 2
 * where the device makes 10-bit pictures: the hantro shape; 10-bit AV1
 * Main, av1-10, on vpu981; a SKIP on plain visl), a valid picture first (the parameter buffers of
 * tests/unit/va-fixtures.c, slice data the driver's own slice header
 * readers accept: visl checks controls, not the bitstream), then each
 * parameter the driver reads set out of range, one case per line:
 *
 *   - refused cases: vaRenderPicture or vaEndPicture fails, the driver's
 *     log (libva's error/info callbacks) names the field, and a valid
 *     picture then decodes on the same context (vaEndPicture and
 *     vaSyncSurface succeed);
 *   - accepted cases (the driver's policy for damaged streams, below):
 *     the picture is decoded, the log names the field.
 *
 * Reference policy, as the driver has it: a reference naming no decoded
 * surface is refused by HEVC and AV1 (their controls name references by
 * slot, a hole cannot be expressed), and by H.264 in slice mode when a
 * reference list names a surface that is not in ReferenceFrames; MPEG-2,
 * VP8, VP9 and H.264's ReferenceFrames leave the reference out with a
 * warning and decode, so that a damaged stream (a lost reference) keeps
 * going as software decoders do. A surface larger than the context is
 * never bound to it (a target so is refused at vaBeginPicture, a render
 * target at vaCreateContext) and a surface decoded in another context has
 * no picture in this one's buffers: as references, both name no decoded
 * surface. VP9 is the exception for targets: a larger one moves the
 * context to larger device buffers (vp9_outgrow).
 *
 * Bit depth: a surface of the other RT format (8 bits for a 10-bit
 * context, or the reverse) is never bound to a context: as a render
 * target it is refused at vaBeginPicture and at vaCreateContext with
 * VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT; picture parameters of another
 * depth than the context's are refused with that status too (HEVC
 * bit_depth_luma/chroma_minus8, VP9 bit_depth); an 8-bit picture of
 * another context as a reference of a 10-bit one is a surface of another
 * context (HEVC refuses, VP9 leaves it out with a warning).
 *
 * Then a byte-mutation sweep per codec: the valid pictures with bytes of
 * their parameter buffers (or of the headers at the start of their slice
 * data) flipped or replaced (fixed seed): no crash, a status that is
 * success or an error, a picture accepted that the kernel does not refuse
 * (visl checks the controls: a refusal there is a check the driver
 * lacks), and a valid picture decoding after them.
 *
 *   va-hostile RENDER_NODE [H264_DATA_DIR]
 *
 * H264_DATA_DIR: the slices of tests/unit/data/h264 (default: that path
 * under the current directory). V4L2R_HOSTILE_SWEEP: iterations per codec
 * (default 400). V4L2R_HOSTILE_ONLY=mpeg2,hevc,...: only those codecs.
 * V4L2R_HOSTILE_VERBOSE=1 prints the driver's messages. */
#define _GNU_SOURCE	/* asprintf */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <va/va.h>
#include <va/va_drm.h>
#include <va/va_str.h>

#include "report.h"
#include "va-common.h"
#include "va-fixtures.h"

/* The generated HEVC fixtures: the first two pictures of each stream
 * (a: Main, b: Main 10) are used. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-const-variable"
#include "data/hevc/fixtures.h"
#pragma GCC diagnostic pop

#define BOGUS_SURFACE 0x0dead000u	/* names no surface */

/* V4L2R_HOSTILE_VERBOSE=1: the driver's log echoed as it comes. */
static bool verbose;

/* ------------------------------------------------------------------ */
/* Per codec: a context, its surfaces, valid pictures.                 */

enum kind { KEY, INTER };
enum policy { REFUSE, ACCEPT };
/* TGT_OTHER_RT: a surface of the other RT format (8 bits for a 10-bit
 * context, 10 for an 8-bit one), of the context's size. */
enum target { TGT_NORMAL, TGT_LARGER, TGT_NONE, TGT_OTHER_RT };

/* Surfaces: REF holds the key picture inter pictures refer to, CASE gets
 * the cases' pictures, NEXT the valid pictures after them. */
enum { REF, INTER_T, CASE, NEXT, N_SURF };

struct run;

struct hcase {
	const char *name;
	enum kind kind;
	void (*spoil)(struct run *r, struct va_pic *p);
	const char *field;	/* what the driver's log must name */
	enum policy policy;
	enum target target;
	VAStatus status;	/* a refusal's status; 0: any error */
	/* it uses the surface decoded in a context of the other bit depth
	 * (run.other_depth): SKIP where that profile is not offered */
	bool needs_other_depth;
};

struct codec {
	const char *name;
	VAProfile profile;
	unsigned w, h;
	const char *decode_mode;	/* LIBVA_V4L2_REQUEST_DECODE_MODE */
	bool (*build)(struct run *r, struct va_pic *p, enum kind k,
		      VASurfaceID target);
	const struct hcase *cases;
	unsigned n_cases;
	bool has_iq;		/* an IQ matrix buffer is one of its buffers */
	bool size_cut;		/* slice_data_size cut at the buffer's end */
	unsigned rt_format;	/* of its config and surfaces; 0: YUV420 */
	/* The entry of the same codec at the other bit depth, whose key
	 * picture run.other_depth holds (10-bit entries only). */
	const char *other_depth;
	/* Checks of the codec's own, after its cases (NULL: none). */
	void (*extra)(struct run *r);
};

struct run {
	const struct codec *c;
	VADisplay dpy;
	int fd;
	VAConfigID cfg;
	VAContextID ctx;
	VASurfaceID s[N_SURF];
	VASurfaceID larger;	/* larger than the context: never bound */
	/* A key picture decoded in another context of the same config. */
	VAContextID ctx2;
	VASurfaceID foreign;
	/* Of the other RT format, never bound to this context. */
	VASurfaceID other_rt;
	/* A key picture of the other bit depth, decoded in a context of
	 * the other entry (codec.other_depth); VA_INVALID_SURFACE if none. */
	VAConfigID cfg3;
	VAContextID ctx3;
	VASurfaceID other_depth;
	const char *h264_dir;
};

static unsigned rt_of(const struct codec *c)
{
	return c->rt_format ? c->rt_format : VA_RT_FORMAT_YUV420;
}

/* ---- MPEG-2 ---- */

static bool build_mpeg2(struct run *r, struct va_pic *p, enum kind k,
			VASurfaceID target)
{
	(void)target;
	return va_mpeg2_pic(p, k == KEY ? PIC_I : PIC_P, r->s[REF],
			    VA_INVALID_SURFACE, r->c->w, r->c->h, 0);
}

/* ---- H.264 ---- */

static bool read_slice(const char *dir, const char *name, uint8_t *buf,
		       size_t cap, size_t *size)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s.bin", dir, name);
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	*size = fread(buf, 1, cap, f);
	fclose(f);
	return *size > 8;
}

static void h264_slice(VASliceParameterBufferH264 *sp,
		       const struct h264_fx_slice *fx, uint32_t offset,
		       uint32_t size)
{
	memset(sp, 0, sizeof(*sp));
	sp->slice_data_size = size;
	sp->slice_data_offset = offset;
	sp->slice_data_flag = VA_SLICE_DATA_FLAG_ALL;
	sp->slice_data_bit_offset = (uint16_t)fx->header_bits;
	sp->first_mb_in_slice = (uint16_t)fx->first_mb;
	sp->slice_type = (uint8_t)fx->slice_type;
	sp->slice_qp_delta = (int8_t)fx->qp_delta;
	for (unsigned i = 0; i < 32; i++) {
		h264_fx_pic_init(&sp->RefPicList0[i]);
		h264_fx_pic_init(&sp->RefPicList1[i]);
	}
}

/* The four slices of the IDR picture, or the P picture's slice, all in
 * one slice data buffer. */
static bool build_h264(struct run *r, struct va_pic *p, enum kind k,
		       VASurfaceID target)
{
	VAPictureParameterBufferH264 pp;
	VASliceParameterBufferH264 sp[4];
	uint8_t data[4 * 256];
	size_t used = 0, size;
	unsigned n = k == KEY ? 4 : 1;

	memset(p, 0, sizeof(*p));
	h264_fx_pp_cavlc(&pp, target);
	for (unsigned i = 0; i < n; i++) {
		const struct h264_fx_slice *fx = k == KEY ? &h264_fx_cavlc_idr[i] :
			&h264_fx_cavlc_p;
		if (!read_slice(r->h264_dir, fx->name, data + used, 256, &size))
			return false;
		h264_slice(&sp[i], fx, (uint32_t)used, (uint32_t)size);
		used += size;
	}
	if (k == INTER) {
		pp.frame_num = 1;
		pp.ReferenceFrames[0].picture_id = r->s[REF];
		pp.ReferenceFrames[0].flags = VA_PICTURE_H264_SHORT_TERM_REFERENCE;
		sp[0].RefPicList0[0] = pp.ReferenceFrames[0];
	}
	return va_pic_add(p, VAPictureParameterBufferType, sizeof(pp), 1, &pp) &&
	       va_pic_add(p, VASliceParameterBufferType, sizeof(sp[0]), n, sp) &&
	       va_pic_add(p, VASliceDataBufferType, (unsigned)used, 1, data);
}

/* ---- HEVC: a fixture stream's IDR picture and the P after it ---- */

static bool hevc_pic(struct run *r, struct va_pic *p,
		     const struct fx_picture *f, VASurfaceID target)
{
	VAPictureParameterBufferHEVC pp;
	VASliceParameterBufferHEVC sp[4];
	uint8_t data[4096];
	uint32_t used = 0;

	memset(p, 0, sizeof(*p));
	memset(&pp, 0, sizeof(pp));
	hevc_fx_stream_params(&pp, f->stream);
	pp.CurrPic.picture_id = target;
	pp.CurrPic.pic_order_cnt = f->poc;
	for (unsigned i = 0; i < 15; i++) {
		pp.ReferenceFrames[i].picture_id = VA_INVALID_SURFACE;
		pp.ReferenceFrames[i].flags = VA_PICTURE_HEVC_INVALID;
	}
	/* The fixture's one reference is the IDR picture, in REF here. */
	for (unsigned i = 0; i < f->n_refs; i++) {
		pp.ReferenceFrames[i].picture_id = r->s[REF];
		pp.ReferenceFrames[i].pic_order_cnt = f->refs[i].poc;
		pp.ReferenceFrames[i].flags = f->refs[i].flags;
	}
	pp.st_rps_bits = f->st_rps_bits;
	pp.slice_parsing_fields.bits.RapPicFlag =
		f->slices[0].nal_unit_type >= 16 && f->slices[0].nal_unit_type <= 23;
	pp.slice_parsing_fields.bits.IdrPicFlag =
		f->slices[0].nal_unit_type == 19 || f->slices[0].nal_unit_type == 20;
	for (unsigned i = 0; i < f->n_slices; i++) {
		const struct fx_slice *x = &f->slices[i];
		if (used + x->nal_size > sizeof(data))
			return false;
		hevc_fx_slice_params(&sp[i], x, i + 1 == f->n_slices);
		/* Past the stored header bytes: data never parsed. */
		memset(data + used, 0x5a, x->nal_size);
		memcpy(data + used, x->bytes,
		       x->n_bytes < x->nal_size ? x->n_bytes : x->nal_size);
		sp[i].slice_data_offset = used;
		sp[i].slice_data_size = x->nal_size;
		used += x->nal_size;
	}
	return va_pic_add(p, VAPictureParameterBufferType, sizeof(pp), 1, &pp) &&
	       va_pic_add(p, VASliceParameterBufferType, sizeof(sp[0]),
			  f->n_slices, sp) &&
	       va_pic_add(p, VASliceDataBufferType, used, 1, data);
}

/* Stream "a": Main, four slices a picture. */
static bool build_hevc(struct run *r, struct va_pic *p, enum kind k,
		       VASurfaceID target)
{
	return hevc_pic(r, p, k == KEY ? &fx_a_0 : &fx_a_1, target);
}

/* Stream "b": Main 10, one slice, scaling lists (the defaults: no IQ
 * buffer), weighted prediction in the P picture. */
static bool build_hevc10(struct run *r, struct va_pic *p, enum kind k,
			 VASurfaceID target)
{
	return hevc_pic(r, p, k == KEY ? &fx_b_0 : &fx_b_1, target);
}

/* ---- VP8 ---- */

static bool build_vp8(struct run *r, struct va_pic *p, enum kind k,
		      VASurfaceID target)
{
	VAPictureParameterBufferVP8 pp;
	VAIQMatrixBufferVP8 iq;
	VAProbabilityDataBufferVP8 prob;
	VASliceParameterBufferVP8 sp;
	uint8_t data[VP8_FX_DATA_SIZE];

	(void)target;
	memset(p, 0, sizeof(*p));
	memset(&iq, 0, sizeof(iq));
	vp8_fx_frame(&pp, &iq, &prob, &sp, k == KEY, r->s[REF], r->s[REF]);
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 13 + 5);
	return va_pic_add(p, VAPictureParameterBufferType, sizeof(pp), 1, &pp) &&
	       va_pic_add(p, VAIQMatrixBufferType, sizeof(iq), 1, &iq) &&
	       va_pic_add(p, VAProbabilityBufferType, sizeof(prob), 1, &prob) &&
	       va_pic_add(p, VASliceParameterBufferType, sizeof(sp), 1, &sp) &&
	       va_pic_add(p, VASliceDataBufferType, sizeof(data), 1, data);
}

/* ---- VP9 ---- */

static bool vp9_pic_refs(struct va_pic *p, const struct vp9_desc *d,
			 const VASurfaceID *refs)
{
	static struct vp9_frame f;
	VADecPictureParameterBufferVP9 pp;
	VASliceParameterBufferVP9 sp;

	memset(p, 0, sizeof(*p));
	vp9_fx_build(d, &f);
	vp9_fx_fill_pic(&pp, d, &f, refs);
	memset(&sp, 0, sizeof(sp));
	sp.slice_data_size = (uint32_t)f.size;
	sp.slice_data_flag = VA_SLICE_DATA_FLAG_ALL;
	return va_pic_add(p, VAPictureParameterBufferType, sizeof(pp), 1, &pp) &&
	       va_pic_add(p, VASliceParameterBufferType, sizeof(sp), 1, &sp) &&
	       va_pic_add(p, VASliceDataBufferType, (unsigned)f.size, 1, f.buf);
}

/* Every slot names the key picture r->s[REF]. */
static bool vp9_pic(struct run *r, struct va_pic *p, const struct vp9_desc *d)
{
	VASurfaceID refs[8];

	for (unsigned i = 0; i < 8; i++)
		refs[i] = d->key ? VA_INVALID_SURFACE : r->s[REF];
	return vp9_pic_refs(p, d, refs);
}

static bool build_vp9(struct run *r, struct va_pic *p, enum kind k,
		      VASurfaceID target)
{
	struct vp9_desc d = k == KEY ? vp9_fx_key_desc() : vp9_fx_inter_desc();

	(void)target;
	return vp9_pic(r, p, &d);
}

/* The same frames in profile 2: 10 bits. */
static bool build_vp9p2(struct run *r, struct va_pic *p, enum kind k,
			VASurfaceID target)
{
	struct vp9_desc d = k == KEY ? vp9_fx_key_desc() : vp9_fx_inter_desc();

	(void)target;
	d.profile = 2;
	return vp9_pic(r, p, &d);
}

/* ---- AV1 ---- */

static bool av1_pic(struct run *r, struct va_pic *p, enum kind k,
		    VASurfaceID target, uint8_t bit_depth_idx)
{
	VADecPictureParameterBufferAV1 pp;
	VASliceParameterBufferAV1 sp;
	uint8_t data[300];

	memset(p, 0, sizeof(*p));
	if (k == KEY)
		av1_fx_key_frame(&pp, target);
	else
		av1_fx_inter_frame(&pp, target, r->s[REF]);
	pp.bit_depth_idx = bit_depth_idx;
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + 3);
	memset(&sp, 0, sizeof(sp));
	sp.slice_data_size = sizeof(data);
	sp.slice_data_flag = VA_SLICE_DATA_FLAG_ALL;
	return va_pic_add(p, VAPictureParameterBufferType, sizeof(pp), 1, &pp) &&
	       va_pic_add(p, VASliceParameterBufferType, sizeof(sp), 1, &sp) &&
	       va_pic_add(p, VASliceDataBufferType, sizeof(data), 1, data);
}

static bool build_av1(struct run *r, struct va_pic *p, enum kind k,
		      VASurfaceID target)
{
	return av1_pic(r, p, k, target, 0);
}

/* The same frames at 10 bits (Main's bit_depth_idx 1). */
static bool build_av1_10(struct run *r, struct va_pic *p, enum kind k,
			 VASurfaceID target)
{
	return av1_pic(r, p, k, target, 1);
}

/* ------------------------------------------------------------------ */
/* The spoilers. Each changes one thing of a valid picture.            */

#define PP(T) T *pp = va_pic_get(p, VAPictureParameterBufferType, NULL)
#define SP(T) T *sp = va_pic_get(p, VASliceParameterBufferType, NULL)
#define IQ(T) T *iq = va_pic_get(p, VAIQMatrixBufferType, NULL)
#define SPOIL(fn, ...) \
	static void fn(struct run *r, struct va_pic *p) \
	{ (void)r; (void)p; __VA_ARGS__; }

/* Buffer-level spoilers, the same for every codec (picture.c). */
static struct va_pic_buf *buf_of(struct va_pic *p, VABufferType type)
{
	for (unsigned i = 0; i < p->n; i++)
		if (p->b[i].type == type)
			return &p->b[i];
	return NULL;
}

static void drop_buf(struct va_pic *p, VABufferType type)
{
	struct va_pic_buf *b = buf_of(p, type);
	if (!b)
		return;
	free(b->data);
	unsigned i = (unsigned)(b - p->b);
	memmove(&p->b[i], &p->b[i + 1], (p->n - i - 1) * sizeof(p->b[0]));
	p->n--;
}

static unsigned data_size(struct va_pic *p)
{
	struct va_pic_buf *b = buf_of(p, VASliceDataBufferType);
	return b ? b->size * b->n : 0;
}

SPOIL(g_offset_past, SP(VASliceParameterBufferBase);
      sp->slice_data_offset = data_size(p) + 1)
SPOIL(g_size_past, SP(VASliceParameterBufferBase);
      sp->slice_data_size = data_size(p) - sp->slice_data_offset + 1)
SPOIL(g_size_zero, SP(VASliceParameterBufferBase); sp->slice_data_size = 0)
SPOIL(g_pp_short, buf_of(p, VAPictureParameterBufferType)->size -= 4)
SPOIL(g_sp_short, struct va_pic_buf *b = buf_of(p, VASliceParameterBufferType);
      b->size -= 4)
SPOIL(g_no_pp, drop_buf(p, VAPictureParameterBufferType))
SPOIL(g_no_slices, drop_buf(p, VASliceParameterBufferType))
SPOIL(g_iq_short, buf_of(p, VAIQMatrixBufferType)->size -= 2)
static void g_iq_unused(struct run *r, struct va_pic *p)
{
	uint8_t iq[64] = { 0 };
	(void)r;
	va_pic_add(p, VAIQMatrixBufferType, sizeof(iq), 1, iq);
}
static void g_nothing(struct run *r, struct va_pic *p)
{
	(void)r;
	(void)p;
}

/* The tables below leave the later fields of struct hcase and struct
 * codec (status, needs_other_depth; rt_format, other_depth) out where
 * they are 0. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

/* The same cases in every codec's table. */
#define GENERIC_CASES \
	{ "slice_data_offset-past-data", KEY, g_offset_past, "slice_data_offset", REFUSE, TGT_NORMAL }, \
	{ "slice_data_size-zero", KEY, g_size_zero, "slice_data_size is 0", REFUSE, TGT_NORMAL }, \
	{ "picture-parameters-short", KEY, g_pp_short, "picture parameter buffer of", REFUSE, TGT_NORMAL }, \
	{ "slice-parameters-short", KEY, g_sp_short, "slice parameters of", REFUSE, TGT_NORMAL }, \
	{ "no-picture-parameters", KEY, g_no_pp, "no picture parameter buffer", REFUSE, TGT_NORMAL }, \
	{ "slice-data-without-parameters", KEY, g_no_slices, "slice data without slice parameters", REFUSE, TGT_NORMAL }, \
	{ "target-no-surface", KEY, g_nothing, NULL, REFUSE, TGT_NONE }, \
	{ "target-of-other-rt-format", KEY, g_nothing, "RT format", REFUSE, TGT_OTHER_RT, \
	  VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT }
/* Every codec's but VP9's, whose contexts outgrow (vp9_outgrow). */
#define TARGET_LARGER_CASE \
	{ "target-larger-than-context", KEY, g_nothing, "larger than the", REFUSE, TGT_LARGER }
#define SIZE_PAST_CASE \
	{ "slice_data_size-past-data", KEY, g_size_past, "slice_data_size", REFUSE, TGT_NORMAL }
#define IQ_SHORT_CASE \
	{ "iq-matrix-short", KEY, g_iq_short, "inverse quantisation matrix buffer of", REFUSE, TGT_NORMAL }
#define IQ_UNUSED_CASE \
	{ "iq-matrix-not-used", KEY, g_iq_unused, "not used by this codec", REFUSE, TGT_NORMAL }

/* ---- MPEG-2 ---- */

SPOIL(m2_width_zero, PP(VAPictureParameterBufferMPEG2); pp->horizontal_size = 0)
SPOIL(m2_height_huge, PP(VAPictureParameterBufferMPEG2); pp->vertical_size = 16384)
SPOIL(m2_width_ctx, PP(VAPictureParameterBufferMPEG2);
      pp->horizontal_size = r->c->w + 16)
SPOIL(m2_type0, PP(VAPictureParameterBufferMPEG2); pp->picture_coding_type = 0)
SPOIL(m2_type4, PP(VAPictureParameterBufferMPEG2); pp->picture_coding_type = 4)
SPOIL(m2_structure, PP(VAPictureParameterBufferMPEG2);
      pp->picture_coding_extension.bits.picture_structure = 0)
SPOIL(m2_vpos, SP(VASliceParameterBufferMPEG2); sp[1].slice_vertical_position = 200)
SPOIL(m2_matrix, IQ(VAIQMatrixBufferMPEG2); iq->non_intra_quantiser_matrix[9] = 0)
SPOIL(m2_fwd_none, PP(VAPictureParameterBufferMPEG2);
      pp->forward_reference_picture = BOGUS_SURFACE)
SPOIL(m2_fwd_larger, PP(VAPictureParameterBufferMPEG2);
      pp->forward_reference_picture = r->larger)
SPOIL(m2_fwd_foreign, PP(VAPictureParameterBufferMPEG2);
      pp->forward_reference_picture = r->foreign)
static void many_slices(struct va_pic *p, unsigned n)
{
	struct va_pic_buf *b = buf_of(p, VASliceParameterBufferType);
	uint8_t *all = malloc((size_t)n * b->size);

	/* copies of the first slice */
	for (unsigned i = 0; i < n; i++)
		memcpy(all + (size_t)i * b->size, b->data, b->size);
	free(b->data);
	b->data = all;
	b->n = n;
}
SPOIL(g_65537_slices, many_slices(p, 65537))
SPOIL(m2_bwd_none, PP(VAPictureParameterBufferMPEG2);
      pp->picture_coding_type = 3; pp->f_code = 0x1111;
      pp->backward_reference_picture = BOGUS_SURFACE)

static const struct hcase mpeg2_cases[] = {
	GENERIC_CASES, TARGET_LARGER_CASE, SIZE_PAST_CASE, IQ_SHORT_CASE,
	{ "horizontal_size-zero", KEY, m2_width_zero, "horizontal_size", REFUSE, TGT_NORMAL },
	{ "vertical_size-16384", KEY, m2_height_huge, "vertical_size", REFUSE, TGT_NORMAL },
	{ "horizontal_size-larger-than-context", KEY, m2_width_ctx, "horizontal_size", REFUSE, TGT_NORMAL },
	{ "picture_coding_type-0", KEY, m2_type0, "picture_coding_type", REFUSE, TGT_NORMAL },
	{ "picture_coding_type-4", KEY, m2_type4, "picture_coding_type", REFUSE, TGT_NORMAL },
	{ "picture_structure-0", KEY, m2_structure, "picture_structure", REFUSE, TGT_NORMAL },
	{ "non_intra_quantiser_matrix-zero", KEY, m2_matrix, "non_intra_quantiser_matrix[9]", REFUSE, TGT_NORMAL },
	{ "slice_vertical_position-past-picture", KEY, m2_vpos, "slice_vertical_position", REFUSE, TGT_NORMAL },
	{ "forward-reference-no-surface", INTER, m2_fwd_none, "forward reference", ACCEPT, TGT_NORMAL },
	{ "forward-reference-larger-surface", INTER, m2_fwd_larger, "forward reference", ACCEPT, TGT_NORMAL },
	{ "backward-reference-no-surface", INTER, m2_bwd_none, "backward reference", ACCEPT, TGT_NORMAL },
	{ "forward-reference-of-another-context", INTER, m2_fwd_foreign, "forward reference", ACCEPT, TGT_NORMAL },
	{ "65537-slices", KEY, g_65537_slices, "more than 65536 slices", REFUSE, TGT_NORMAL },
};

/* ---- H.264 ---- */

#define H264PP PP(VAPictureParameterBufferH264)
SPOIL(h_currpic, H264PP; pp->CurrPic.flags = VA_PICTURE_H264_INVALID)
SPOIL(h_frame_num, H264PP; pp->seq_fields.bits.log2_max_frame_num_minus4 = 13)
SPOIL(h_poc_type, H264PP; pp->seq_fields.bits.pic_order_cnt_type = 3)
SPOIL(h_poc_lsb, H264PP; pp->seq_fields.bits.log2_max_pic_order_cnt_lsb_minus4 = 13)
SPOIL(h_depth15, H264PP; pp->bit_depth_luma_minus8 = 7)
SPOIL(h_depth10, H264PP; pp->bit_depth_luma_minus8 = 2; pp->bit_depth_chroma_minus8 = 2)
SPOIL(h_chroma444, H264PP; pp->seq_fields.bits.chroma_format_idc = 3)
SPOIL(h_num_ref, H264PP; pp->num_ref_frames = 17)
SPOIL(h_bipred, H264PP; pp->pic_fields.bits.weighted_bipred_idc = 3)
SPOIL(h_qp, H264PP; pp->pic_init_qp_minus26 = 26)
SPOIL(h_qs, H264PP; pp->pic_init_qs_minus26 = -27)
SPOIL(h_cqp, H264PP; pp->chroma_qp_index_offset = 13)
SPOIL(h_cqp2, H264PP; pp->second_chroma_qp_index_offset = -13)
/* FMO's fields are deprecated in libva (FFmpeg still fills them). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
SPOIL(h_groups, H264PP; pp->num_slice_groups_minus1 = 8)
#pragma GCC diagnostic pop
SPOIL(h_width, H264PP; pp->picture_width_in_mbs_minus1 = 20)
SPOIL(h_height, H264PP; pp->picture_height_in_mbs_minus1 = 255)
SPOIL(h_mbaff_height, H264PP; pp->seq_fields.bits.frame_mbs_only_flag = 0)
SPOIL(h_ref_idx, SP(VASliceParameterBufferH264); sp->num_ref_idx_l0_active_minus1 = 32)
SPOIL(h_first_mb, SP(VASliceParameterBufferH264); sp[1].first_mb_in_slice = 81)
SPOIL(h_slice_type, SP(VASliceParameterBufferH264); sp[2].slice_type = 5)
SPOIL(h_truncated, SP(VASliceParameterBufferH264); sp[3].slice_data_size = 2)
static void h_scaling(struct run *r, struct va_pic *p)
{
	VAIQMatrixBufferH264 iq;

	(void)r;
	memset(&iq, 16, sizeof(iq));
	iq.ScalingList4x4[2][5] = 0;
	va_pic_add(p, VAIQMatrixBufferType, sizeof(iq), 1, &iq);
}
SPOIL(h_ref_none, H264PP; SP(VASliceParameterBufferH264);
      pp->ReferenceFrames[0].picture_id = BOGUS_SURFACE;
      sp->RefPicList0[0].picture_id = BOGUS_SURFACE)
SPOIL(h_ref_no_id, H264PP; SP(VASliceParameterBufferH264);
      pp->ReferenceFrames[0].picture_id = VA_INVALID_SURFACE;
      h264_fx_pic_init(&sp->RefPicList0[0]))
SPOIL(h_ref_foreign, H264PP; SP(VASliceParameterBufferH264);
      pp->ReferenceFrames[0].picture_id = r->foreign;
      sp->RefPicList0[0].picture_id = r->foreign)
SPOIL(h_257_slices, many_slices(p, 257))
SPOIL(h_list_none, SP(VASliceParameterBufferH264);
      sp->RefPicList0[0].picture_id = BOGUS_SURFACE)

#define H264_CASES \
	GENERIC_CASES, TARGET_LARGER_CASE, SIZE_PAST_CASE, \
	{ "CurrPic-invalid", KEY, h_currpic, "CurrPic", REFUSE, TGT_NORMAL }, \
	{ "log2_max_frame_num_minus4-13", KEY, h_frame_num, "log2_max_frame_num_minus4", REFUSE, TGT_NORMAL }, \
	{ "pic_order_cnt_type-3", KEY, h_poc_type, "pic_order_cnt_type", REFUSE, TGT_NORMAL }, \
	{ "log2_max_pic_order_cnt_lsb_minus4-13", KEY, h_poc_lsb, "log2_max_pic_order_cnt_lsb_minus4", REFUSE, TGT_NORMAL }, \
	{ "bit_depth_luma_minus8-7", KEY, h_depth15, "bit depth", REFUSE, TGT_NORMAL }, \
	{ "bit-depth-10-in-8-bit-context", KEY, h_depth10, "bit_depth_luma_minus8", REFUSE, TGT_NORMAL }, \
	{ "chroma_format_idc-3-in-4:2:0-context", KEY, h_chroma444, "chroma_format_idc", REFUSE, TGT_NORMAL }, \
	{ "num_ref_frames-17", KEY, h_num_ref, "num_ref_frames", REFUSE, TGT_NORMAL }, \
	{ "weighted_bipred_idc-3", KEY, h_bipred, "weighted_bipred_idc", REFUSE, TGT_NORMAL }, \
	{ "pic_init_qp_minus26-26", KEY, h_qp, "pic_init_qp_minus26", REFUSE, TGT_NORMAL }, \
	{ "pic_init_qs_minus26--27", KEY, h_qs, "pic_init_qs_minus26", REFUSE, TGT_NORMAL }, \
	{ "chroma_qp_index_offset-13", KEY, h_cqp, "chroma_qp_index_offset", REFUSE, TGT_NORMAL }, \
	{ "second_chroma_qp_index_offset--13", KEY, h_cqp2, "chroma_qp_index_offset", REFUSE, TGT_NORMAL }, \
	{ "num_slice_groups_minus1-8", KEY, h_groups, "num_slice_groups_minus1", REFUSE, TGT_NORMAL }, \
	{ "picture_width_in_mbs_minus1-larger-than-context", KEY, h_width, "picture_width", REFUSE, TGT_NORMAL }, \
	{ "picture_height_in_mbs_minus1-255", KEY, h_height, "picture_width/height_in_mbs_minus1", REFUSE, TGT_NORMAL }, \
	{ "frame_mbs_only_flag-0-odd-height", KEY, h_mbaff_height, "frame_mbs_only_flag", REFUSE, TGT_NORMAL }, \
	{ "num_ref_idx_l0_active_minus1-32", KEY, h_ref_idx, "num_ref_idx_l0", REFUSE, TGT_NORMAL }, \
	{ "first_mb_in_slice-not-the-header's", KEY, h_first_mb, "first_mb_in_slice", REFUSE, TGT_NORMAL }, \
	{ "slice_type-not-the-header's", KEY, h_slice_type, "slice_type", REFUSE, TGT_NORMAL }, \
	{ "slice-header-truncated", KEY, h_truncated, "slice header", REFUSE, TGT_NORMAL }, \
	{ "ScalingList4x4-zero", KEY, h_scaling, "ScalingList4x4", REFUSE, TGT_NORMAL }, \
	{ "ReferenceFrames-no-surface", INTER, h_ref_none, "ReferenceFrames[0]", ACCEPT, TGT_NORMAL }, \
	{ "ReferenceFrames-flags-without-surface", INTER, h_ref_no_id, "ReferenceFrames[0]", ACCEPT, TGT_NORMAL }, \
	{ "ReferenceFrames-of-another-context", INTER, h_ref_foreign, "ReferenceFrames[0]", ACCEPT, TGT_NORMAL }

static const struct hcase h264_cases[] = {
	H264_CASES,
	/* Frame mode sends no reference lists: the slice's list is not read. */
};

static const struct hcase h264_slice_cases[] = {
	H264_CASES,
	{ "RefPicList0-not-in-ReferenceFrames", INTER, h_list_none, "RefPicList0", REFUSE, TGT_NORMAL },
	{ "257-slices", KEY, h_257_slices, "slices in a picture", REFUSE, TGT_NORMAL },
};

/* ---- HEVC ---- */

#define HEVCPP PP(VAPictureParameterBufferHEVC)
#define HEVCSP SP(VASliceParameterBufferHEVC)
SPOIL(e_chroma, HEVCPP; pp->pic_fields.bits.chroma_format_idc = 2)
SPOIL(e_depth, HEVCPP; pp->bit_depth_luma_minus8 = 2; pp->bit_depth_chroma_minus8 = 2)
SPOIL(e_width0, HEVCPP; pp->pic_width_in_luma_samples = 0)
SPOIL(e_width_cb, HEVCPP; pp->pic_width_in_luma_samples = 204)
SPOIL(e_width_ctx, HEVCPP; pp->pic_width_in_luma_samples = 208)
SPOIL(e_ctb, HEVCPP; pp->log2_diff_max_min_luma_coding_block_size = 5)
SPOIL(e_poc_lsb, HEVCPP; pp->log2_max_pic_order_cnt_lsb_minus4 = 13)
SPOIL(e_dpb, HEVCPP; pp->sps_max_dec_pic_buffering_minus1 = 16)
SPOIL(e_strps, HEVCPP; pp->num_short_term_ref_pic_sets = 65)
SPOIL(e_ltrps, HEVCPP; pp->num_long_term_ref_pic_sps = 33)
SPOIL(e_refidx, HEVCPP; pp->num_ref_idx_l0_default_active_minus1 = 15)
SPOIL(e_extra, HEVCPP; pp->num_extra_slice_header_bits = 8)
SPOIL(e_cbqp, HEVCPP; pp->pps_cb_qp_offset = 13)
SPOIL(e_beta, HEVCPP; pp->pps_beta_offset_div2 = 7)
SPOIL(e_init_qp, HEVCPP; pp->init_qp_minus26 = -27)
SPOIL(e_cu_qp_depth, HEVCPP; pp->diff_cu_qp_delta_depth = 2)
SPOIL(e_merge, HEVCPP; pp->log2_parallel_merge_level_minus2 = 3)
SPOIL(e_tb, HEVCPP; pp->log2_diff_max_min_transform_block_size = 3)
SPOIL(e_tb_depth, HEVCPP; pp->max_transform_hierarchy_depth_inter = 3)
SPOIL(e_pcm_depth, HEVCPP; pp->pic_fields.bits.pcm_enabled_flag = 1;
      pp->pcm_sample_bit_depth_luma_minus1 = 8)
SPOIL(e_tiles_many, HEVCPP; pp->pic_fields.bits.tiles_enabled_flag = 1;
      pp->num_tile_columns_minus1 = 20)
SPOIL(e_tiles_fit, HEVCPP; pp->pic_fields.bits.tiles_enabled_flag = 1;
      pp->num_tile_columns_minus1 = 1; pp->column_width_minus1[0] = 40)
SPOIL(e_ref_none, HEVCPP; pp->ReferenceFrames[0].picture_id = BOGUS_SURFACE)
SPOIL(e_ref_larger, HEVCPP; pp->ReferenceFrames[0].picture_id = r->larger)
SPOIL(e_ref_foreign, HEVCPP; pp->ReferenceFrames[0].picture_id = r->foreign)
SPOIL(e_601_slices, many_slices(p, 601))
SPOIL(e_list, HEVCSP; sp->RefPicList[0][0] = 14)
SPOIL(e_flag, HEVCSP; sp[1].slice_data_flag = VA_SLICE_DATA_FLAG_BEGIN)
SPOIL(e_qp, HEVCSP; sp[2].slice_qp_delta = 60)
SPOIL(e_addr, HEVCSP; sp[1].slice_segment_address = 5)
SPOIL(e_truncated, HEVCSP; sp[3].slice_data_size = 3)
static void e_scaling(struct run *r, struct va_pic *p)
{
	VAIQMatrixBufferHEVC iq;
	HEVCPP;

	(void)r;
	pp->pic_fields.bits.scaling_list_enabled_flag = 1;
	memset(&iq, 16, sizeof(iq));
	iq.ScalingList8x8[1][7] = 0;
	va_pic_add(p, VAIQMatrixBufferType, sizeof(iq), 1, &iq);
}

static const struct hcase hevc_cases[] = {
	GENERIC_CASES, TARGET_LARGER_CASE, SIZE_PAST_CASE,
	{ "chroma_format_idc-2", KEY, e_chroma, "chroma_format_idc", REFUSE, TGT_NORMAL },
	{ "bit-depth-10-in-Main", KEY, e_depth, "bit depth", REFUSE, TGT_NORMAL },
	{ "pic_width_in_luma_samples-0", KEY, e_width0, "pic_width", REFUSE, TGT_NORMAL },
	{ "pic_width_in_luma_samples-not-min-cb", KEY, e_width_cb, "pic_width", REFUSE, TGT_NORMAL },
	{ "pic_width_in_luma_samples-larger-than-context", KEY, e_width_ctx, "pic_width", REFUSE, TGT_NORMAL },
	{ "ctb-size-2048", KEY, e_ctb, "CTB size", REFUSE, TGT_NORMAL },
	{ "log2_max_pic_order_cnt_lsb_minus4-13", KEY, e_poc_lsb, "log2_max_pic_order_cnt_lsb_minus4", REFUSE, TGT_NORMAL },
	{ "sps_max_dec_pic_buffering_minus1-16", KEY, e_dpb, "sps_max_dec_pic_buffering_minus1", REFUSE, TGT_NORMAL },
	{ "num_short_term_ref_pic_sets-65", KEY, e_strps, "num_short_term_ref_pic_sets", REFUSE, TGT_NORMAL },
	{ "num_long_term_ref_pic_sps-33", KEY, e_ltrps, "num_long_term_ref_pic_sps", REFUSE, TGT_NORMAL },
	{ "num_ref_idx_l0_default_active_minus1-15", KEY, e_refidx, "num_ref_idx_lX_default_active_minus1", REFUSE, TGT_NORMAL },
	{ "num_extra_slice_header_bits-8", KEY, e_extra, "num_extra_slice_header_bits", REFUSE, TGT_NORMAL },
	{ "pps_cb_qp_offset-13", KEY, e_cbqp, "pps_cb/cr_qp_offset", REFUSE, TGT_NORMAL },
	{ "pps_beta_offset_div2-7", KEY, e_beta, "pps_beta/tc_offset_div2", REFUSE, TGT_NORMAL },
	{ "init_qp_minus26--27", KEY, e_init_qp, "init_qp_minus26", REFUSE, TGT_NORMAL },
	{ "diff_cu_qp_delta_depth-past-ctb", KEY, e_cu_qp_depth, "diff_cu_qp_delta_depth", REFUSE, TGT_NORMAL },
	{ "log2_parallel_merge_level_minus2-past-ctb", KEY, e_merge, "log2_parallel_merge_level_minus2", REFUSE, TGT_NORMAL },
	{ "transform-block-past-ctb", KEY, e_tb, "log2_diff_max_min_transform_block_size", REFUSE, TGT_NORMAL },
	{ "max_transform_hierarchy_depth_inter-3", KEY, e_tb_depth, "max_transform_hierarchy_depth_inter", REFUSE, TGT_NORMAL },
	{ "pcm_sample_bit_depth_luma_minus1-8", KEY, e_pcm_depth, "pcm_sample_bit_depth_luma", REFUSE, TGT_NORMAL },
	{ "num_tile_columns_minus1-20", KEY, e_tiles_many, "num_tile_columns", REFUSE, TGT_NORMAL },
	{ "column_width_minus1-past-picture", KEY, e_tiles_fit, "tile columns", REFUSE, TGT_NORMAL },
	{ "ScalingList8x8-zero", KEY, e_scaling, "ScalingList8x8", REFUSE, TGT_NORMAL },
	{ "ReferenceFrames-no-surface", INTER, e_ref_none, "ReferenceFrames[0]", REFUSE, TGT_NORMAL },
	{ "ReferenceFrames-larger-surface", INTER, e_ref_larger, "ReferenceFrames[0]", REFUSE, TGT_NORMAL },
	{ "ReferenceFrames-of-another-context", INTER, e_ref_foreign, "ReferenceFrames[0]", REFUSE, TGT_NORMAL },
	{ "RefPicList-empty-entry", INTER, e_list, "RefPicList", REFUSE, TGT_NORMAL },
	{ "601-slices", KEY, e_601_slices, "slices in a picture", REFUSE, TGT_NORMAL },
	{ "slice_data_flag-begin", KEY, e_flag, "slice_data_flag", REFUSE, TGT_NORMAL },
	/* VA's slice values must be the header's (else wrong data) */
	{ "slice_qp_delta-not-the-header's", KEY, e_qp, "slice_qp_delta", REFUSE, TGT_NORMAL },
	{ "slice_segment_address-not-the-header's", KEY, e_addr, "slice_segment_address", REFUSE, TGT_NORMAL },
	/* num_entry_point_offsets and the offsets come from the slice
	 * header: VA's count is not read. */
	{ "slice-header-truncated", KEY, e_truncated, "slice 3", REFUSE, TGT_NORMAL },
};

/* ---- HEVC Main 10 (stream "b", one slice): the bit depth ---- */

SPOIL(e10_depth8, HEVCPP; pp->bit_depth_luma_minus8 = 0;
      pp->bit_depth_chroma_minus8 = 0)
SPOIL(e10_chroma8, HEVCPP; pp->bit_depth_chroma_minus8 = 0)
SPOIL(e10_depth12, HEVCPP; pp->bit_depth_luma_minus8 = 4;
      pp->bit_depth_chroma_minus8 = 4)
SPOIL(e10_ref_8bit, HEVCPP; pp->ReferenceFrames[0].picture_id = r->other_depth)

static const struct hcase hevc10_cases[] = {
	GENERIC_CASES, TARGET_LARGER_CASE, SIZE_PAST_CASE,
	/* the device would write an 8-bit picture into 10-bit buffers */
	{ "bit-depth-8-in-10-bit-context", KEY, e10_depth8, "bit_depth_luma_minus8 = 0", REFUSE, TGT_NORMAL,
	  VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT },
	{ "bit_depth_chroma_minus8-0-in-10-bit-context", KEY, e10_chroma8, "bit_depth_chroma_minus8 = 0", REFUSE, TGT_NORMAL,
	  VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT },
	{ "bit-depth-12-in-Main-10", KEY, e10_depth12, "bit depth 12/12", REFUSE, TGT_NORMAL,
	  VA_STATUS_ERROR_UNSUPPORTED_PROFILE },
	{ "ReferenceFrames-no-surface", INTER, e_ref_none, "ReferenceFrames[0]", REFUSE, TGT_NORMAL,
	  VA_STATUS_ERROR_INVALID_SURFACE },
	{ "ReferenceFrames-of-another-context", INTER, e_ref_foreign, "ReferenceFrames[0]", REFUSE, TGT_NORMAL,
	  VA_STATUS_ERROR_INVALID_SURFACE },
	/* an 8-bit picture of a Main context: no reference here either */
	{ "ReferenceFrames-8-bit-of-another-context", INTER, e10_ref_8bit, "ReferenceFrames[0]", REFUSE, TGT_NORMAL,
	  VA_STATUS_ERROR_INVALID_SURFACE, true },
};

/* ---- VP8 ---- */

#define VP8PP PP(VAPictureParameterBufferVP8)
#define VP8SP SP(VASliceParameterBufferVP8)
SPOIL(v8_parts, VP8SP; sp->num_of_partitions = 4)
SPOIL(v8_part0, VP8SP; sp->partition_size[0] = 1u << 19)
SPOIL(v8_part_past, VP8SP; sp->partition_size[2] = 100000)
SPOIL(v8_q, IQ(VAIQMatrixBufferVP8); iq->quantization_index[3][5] = 128)
SPOIL(v8_width0, VP8PP; pp->frame_width = 0)
SPOIL(v8_width_ctx, VP8PP; pp->frame_width = (uint16_t)(r->c->w + 16))
SPOIL(v8_lf, VP8PP; pp->loop_filter_level[2] = 64)
SPOIL(v8_lf_ref, VP8PP; pp->loop_filter_deltas_ref_frame[1] = 64)
SPOIL(v8_lf_mode, VP8PP; pp->loop_filter_deltas_mode[3] = -64)
SPOIL(v8_no_prob, drop_buf(p, VAProbabilityBufferType))
SPOIL(v8_no_iq, drop_buf(p, VAIQMatrixBufferType))
static void v8_two_slices(struct run *r, struct va_pic *p)
{
	struct va_pic_buf *b = buf_of(p, VASliceParameterBufferType);
	uint8_t *two = malloc(2 * b->size);

	(void)r;
	memcpy(two, b->data, b->size);
	memcpy(two + b->size, b->data, b->size);
	free(b->data);
	b->data = two;
	b->n = 2;
}
SPOIL(v8_last_none, VP8PP; pp->last_ref_frame = BOGUS_SURFACE)
SPOIL(v8_golden_larger, VP8PP; pp->golden_ref_frame = r->larger)
SPOIL(v8_alt_foreign, VP8PP; pp->alt_ref_frame = r->foreign)

static const struct hcase vp8_cases[] = {
	/* slice_data_size past the data is cut at its end (GStreamer's
	 * shape): the partition sizes are checked instead. */
	GENERIC_CASES, TARGET_LARGER_CASE, IQ_SHORT_CASE,
	{ "num_of_partitions-4", KEY, v8_parts, "num_of_partitions", REFUSE, TGT_NORMAL },
	{ "partition_size[0]-2^19", KEY, v8_part0, "partition_size[0]", REFUSE, TGT_NORMAL },
	{ "partition_size-past-data", KEY, v8_part_past, "partition_size[]", REFUSE, TGT_NORMAL },
	{ "quantization_index-128", KEY, v8_q, "quantization_index[3][5]", REFUSE, TGT_NORMAL },
	{ "frame_width-0", KEY, v8_width0, "frame_width", REFUSE, TGT_NORMAL },
	{ "frame_width-larger-than-context", KEY, v8_width_ctx, "frame_width", REFUSE, TGT_NORMAL },
	{ "loop_filter_level-64", KEY, v8_lf, "loop_filter_level[2]", REFUSE, TGT_NORMAL },
	{ "loop_filter_deltas_ref_frame-64", KEY, v8_lf_ref, "loop_filter_deltas_ref_frame[1]", REFUSE, TGT_NORMAL },
	{ "loop_filter_deltas_mode--64", KEY, v8_lf_mode, "loop_filter_deltas_mode[3]", REFUSE, TGT_NORMAL },
	{ "no-probability-buffer", KEY, v8_no_prob, "VAProbabilityDataBufferVP8", REFUSE, TGT_NORMAL },
	{ "no-iq-matrix", KEY, v8_no_iq, "VAIQMatrixBufferVP8", REFUSE, TGT_NORMAL },
	{ "two-slices", KEY, v8_two_slices, "slice buffers", REFUSE, TGT_NORMAL },
	{ "last-reference-no-surface", INTER, v8_last_none, "last reference", ACCEPT, TGT_NORMAL },
	{ "golden-reference-larger-surface", INTER, v8_golden_larger, "golden reference", ACCEPT, TGT_NORMAL },
	{ "altref-reference-of-another-context", INTER, v8_alt_foreign, "altref reference", ACCEPT, TGT_NORMAL },
};

/* ---- VP9 ---- */

#define VP9PP PP(VADecPictureParameterBufferVP9)
SPOIL(v9_profile, VP9PP; pp->profile = 1)
SPOIL(v9_depth, VP9PP; pp->bit_depth = 10)
SPOIL(v9_subsampling, VP9PP; pp->pic_fields.bits.subsampling_x = 0)
SPOIL(v9_width0, VP9PP; pp->frame_width = 0)
SPOIL(v9_width_hdr, VP9PP; pp->frame_width = 320)
SPOIL(v9_filter, VP9PP; pp->pic_fields.bits.mcomp_filter_type = 5)
SPOIL(v9_lf, VP9PP; pp->filter_level = 64)
SPOIL(v9_sharp, VP9PP; pp->sharpness_level = 8)
SPOIL(v9_cols, VP9PP; pp->log2_tile_columns = 7)
SPOIL(v9_rows, VP9PP; pp->log2_tile_rows = 3)
SPOIL(v9_hdr_len, VP9PP; pp->frame_header_length_in_bytes++)
SPOIL(v9_part, VP9PP; pp->first_partition_size++)
static void v9_tile_size(struct run *r, struct va_pic *p)
{
	VP9PP;
	uint8_t *d = va_pic_get(p, VASliceDataBufferType, NULL);

	(void)r;
	/* the first tile's 4-byte size, after both headers */
	memset(d + pp->frame_header_length_in_bytes + pp->first_partition_size,
	       0xff, 4);
}
SPOIL(v9_truncated, SP(VASliceParameterBufferVP9); sp->slice_data_size = 3)
static void v9_larger(struct run *r, struct va_pic *p)
{
	struct vp9_desc d = vp9_fx_key_desc();

	/* a whole valid frame, larger than the context */
	d.width = r->c->w + 64;
	va_pic_free(p);
	vp9_pic(r, p, &d);
}
SPOIL(v9_ref_none, VP9PP; pp->reference_frames[0] = BOGUS_SURFACE)
SPOIL(v9_ref_larger, VP9PP; pp->reference_frames[1] = r->larger)
SPOIL(v9_ref_foreign, VP9PP; pp->reference_frames[6] = r->foreign)
static void v9_seg(struct run *r, struct va_pic *p)
{
	struct vp9_desc d = vp9_fx_key_desc();

	/* segment 3 codes a reference feature; VA's seg_param says none */
	d.seg_enabled = d.seg_update_data = true;
	d.feat_on[3][2] = true;
	d.feat[3][2] = 1;
	va_pic_free(p);
	vp9_pic(r, p, &d);
}

static const struct hcase vp9_cases[] = {
	GENERIC_CASES, SIZE_PAST_CASE, IQ_UNUSED_CASE,
	{ "profile-1", KEY, v9_profile, "profile", REFUSE, TGT_NORMAL },
	{ "bit_depth-10-in-profile-0", KEY, v9_depth, "bit_depth = 10", REFUSE, TGT_NORMAL,
	  VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT },
	{ "subsampling_x-0", KEY, v9_subsampling, "subsampling_x", REFUSE, TGT_NORMAL },
	{ "frame_width-0", KEY, v9_width0, "frame_width", REFUSE, TGT_NORMAL },
	{ "frame_width-not-the-header's", KEY, v9_width_hdr, "frame_width", REFUSE, TGT_NORMAL },
	{ "frame-larger-than-context", KEY, v9_larger, "frame_width", REFUSE, TGT_NORMAL },
	{ "mcomp_filter_type-5", INTER, v9_filter, "mcomp_filter_type", REFUSE, TGT_NORMAL },
	{ "filter_level-64", KEY, v9_lf, "filter_level", REFUSE, TGT_NORMAL },
	{ "sharpness_level-8", KEY, v9_sharp, "sharpness_level", REFUSE, TGT_NORMAL },
	{ "log2_tile_columns-7", KEY, v9_cols, "log2_tile_columns", REFUSE, TGT_NORMAL },
	{ "log2_tile_rows-3", KEY, v9_rows, "log2_tile_rows", REFUSE, TGT_NORMAL },
	{ "frame_header_length_in_bytes-wrong", KEY, v9_hdr_len, "frame_header_length_in_bytes", REFUSE, TGT_NORMAL },
	{ "first_partition_size-wrong", KEY, v9_part, "first_partition_size", REFUSE, TGT_NORMAL },
	{ "tile-size-past-data", KEY, v9_tile_size, "tile_size", REFUSE, TGT_NORMAL },
	{ "frame-header-truncated", KEY, v9_truncated, "slice data", REFUSE, TGT_NORMAL },
	{ "reference-no-surface", INTER, v9_ref_none, "reference surface", ACCEPT, TGT_NORMAL },
	{ "reference-larger-surface", INTER, v9_ref_larger, "reference surface", ACCEPT, TGT_NORMAL },
	{ "reference-of-another-context", INTER, v9_ref_foreign, "reference surface", ACCEPT, TGT_NORMAL },
	/* segment features come from the frame header; VA's differing
	 * ones are named and left */
	{ "seg_param-not-the-header's", KEY, v9_seg, "seg_param[3]", ACCEPT, TGT_NORMAL },
};

/* ---- VP9 profile 2: the bit depth ---- */

SPOIL(v92_depth8, VP9PP; pp->bit_depth = 8)
SPOIL(v92_depth12, VP9PP; pp->bit_depth = 12)
static void v92_8_bit_frame(struct run *r, struct va_pic *p)
{
	struct vp9_desc d = vp9_fx_key_desc();

	/* a whole valid profile 0 frame */
	va_pic_free(p);
	vp9_pic(r, p, &d);
}
SPOIL(v92_ref_8bit, VP9PP; pp->reference_frames[6] = r->other_depth)

static const struct hcase vp9p2_cases[] = {
	GENERIC_CASES, SIZE_PAST_CASE,
	{ "bit_depth-8-in-profile-2", KEY, v92_depth8, "bit_depth = 8", REFUSE, TGT_NORMAL,
	  VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT },
	{ "bit_depth-12", KEY, v92_depth12, "bit_depth = 12", REFUSE, TGT_NORMAL,
	  VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT },
	/* VA's profile is checked first, against the config's */
	{ "profile-0-frame-in-profile-2-context", KEY, v92_8_bit_frame, "profile = 0", REFUSE, TGT_NORMAL,
	  VA_STATUS_ERROR_INVALID_PARAMETER },
	{ "reference-no-surface", INTER, v9_ref_none, "reference surface", ACCEPT, TGT_NORMAL },
	{ "reference-of-another-context", INTER, v9_ref_foreign, "reference surface", ACCEPT, TGT_NORMAL },
	/* an 8-bit picture of a profile 0 context: left out as any
	 * surface of another context is (docs/va-driver.md) */
	{ "reference-8-bit-of-another-context", INTER, v92_ref_8bit, "reference surface", ACCEPT, TGT_NORMAL,
	  0, true },
};

/* ---- AV1 ---- */

#define AV1PP PP(VADecPictureParameterBufferAV1)
SPOIL(a_depth, AV1PP; pp->bit_depth_idx = 1)
SPOIL(a_profile, AV1PP; pp->profile = 1)
SPOIL(a_mono444, AV1PP; pp->seq_info_fields.fields.subsampling_x = 0)
SPOIL(a_width_ctx, AV1PP; pp->frame_width_minus1 = (uint16_t)(r->c->w + 15);
      pp->width_in_sbs_minus_1[0] = 5)
SPOIL(a_cols0, AV1PP; pp->tile_cols = 0)
SPOIL(a_cols65, AV1PP; pp->tile_cols = 65)
/* the widths are read when the spacing is not uniform */
SPOIL(a_widths, AV1PP; pp->pic_info_fields.bits.uniform_tile_spacing_flag = 0;
      pp->width_in_sbs_minus_1[0] = 2)
SPOIL(a_ctx_tile, AV1PP; pp->context_update_tile_id = 1)
SPOIL(a_ref_idx, AV1PP; pp->ref_frame_idx[3] = 8)
SPOIL(a_primary, AV1PP; pp->primary_ref_frame = 8)
SPOIL(a_seg, AV1PP; pp->seg_info.segment_info_fields.bits.enabled = 1;
      pp->seg_info.feature_mask[2] = 1; pp->seg_info.feature_data[2][0] = 256)
SPOIL(a_lf_ref, AV1PP; pp->ref_deltas[4] = 64)
SPOIL(a_lf_mode, AV1PP; pp->mode_deltas[1] = -65)
SPOIL(a_lf, AV1PP; pp->filter_level_v = 64)
SPOIL(a_dq, AV1PP; pp->v_ac_delta_q = -65)
SPOIL(a_cdef_bits, AV1PP; pp->cdef_bits = 4)
SPOIL(a_cdef, AV1PP; pp->cdef_uv_strengths[0] = 64)
SPOIL(a_lr, AV1PP; pp->loop_restoration_fields.bits.lr_unit_shift = 3)
SPOIL(a_wm, AV1PP; pp->wm[6].wmtype = 4)
SPOIL(a_interp, AV1PP; pp->interp_filter = 5)
/* film grain: valid but for one field, shown from the render target */
#define GRAIN AV1PP; av1_fx_film_grain(pp, pp->current_frame)
SPOIL(a_grain_seq, GRAIN; pp->seq_info_fields.fields.film_grain_params_present = 0)
SPOIL(a_grain_y15, GRAIN; pp->film_grain_info.num_y_points = 15)
SPOIL(a_grain_cb11, GRAIN; pp->film_grain_info.num_cb_points = 11)
SPOIL(a_grain_cr11, GRAIN; pp->film_grain_info.num_cr_points = 11)
SPOIL(a_grain_y_x, GRAIN; pp->film_grain_info.point_y_value[1] = 0)
SPOIL(a_grain_cr_x, GRAIN; pp->film_grain_info.point_cr_value[2] = 1)
SPOIL(a_grain_csfl, GRAIN;
      pp->film_grain_info.film_grain_info_fields.bits.chroma_scaling_from_luma = 1)
SPOIL(a_grain_cb_only, GRAIN; pp->film_grain_info.num_cr_points = 0)
SPOIL(a_grain_cb_offset, GRAIN; pp->film_grain_info.cb_offset = 512)
SPOIL(a_grain_cr_offset, GRAIN; pp->film_grain_info.cr_offset = 600)
SPOIL(a_grain_hidden, GRAIN; pp->pic_info_fields.bits.show_frame = 0)
/* the display surface must take the render target's picture whole */
SPOIL(a_shown_larger, AV1PP; av1_fx_film_grain(pp, r->larger))
SPOIL(a_shown_other_rt, AV1PP; av1_fx_film_grain(pp, r->other_rt))
SPOIL(a_shown_none, AV1PP; av1_fx_film_grain(pp, BOGUS_SURFACE))
SPOIL(a_hint, AV1PP; pp->order_hint_bits_minus_1 = 8)
/* the denominator is read when superres is used */
SPOIL(a_superres, AV1PP; pp->pic_info_fields.bits.use_superres = 1;
      pp->superres_scale_denominator = 17)
SPOIL(a_tx, AV1PP; pp->mode_control_fields.bits.tx_mode = 3)
SPOIL(a_lst, AV1PP; pp->pic_info_fields.bits.large_scale_tile = 1)
SPOIL(a_tile_row, SP(VASliceParameterBufferAV1); sp->tile_row = 1)
static void a_two_tiles(struct run *r, struct va_pic *p)
{
	struct va_pic_buf *b = buf_of(p, VASliceParameterBufferType);
	VASliceParameterBufferAV1 two[2];

	(void)r;
	memcpy(&two[0], b->data, sizeof(two[0]));
	two[0].slice_data_size /= 2;
	two[1] = two[0];
	two[1].slice_data_offset = two[0].slice_data_size;
	free(b->data);
	b->data = malloc(sizeof(two));
	memcpy(b->data, two, sizeof(two));
	b->n = 2;
}
SPOIL(a_ref_none, AV1PP; pp->ref_frame_map[1] = BOGUS_SURFACE)
SPOIL(a_ref_larger, AV1PP; pp->ref_frame_map[0] = r->larger)
SPOIL(a_ref_foreign, AV1PP; pp->ref_frame_map[6] = r->foreign)

static const struct hcase av1_cases[] = {
	GENERIC_CASES, TARGET_LARGER_CASE, SIZE_PAST_CASE, IQ_UNUSED_CASE,
	{ "bit_depth_idx-1", KEY, a_depth, "bit_depth_idx", REFUSE, TGT_NORMAL,
	  VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT },
	{ "profile-1", KEY, a_profile, "profile", REFUSE, TGT_NORMAL },
	{ "subsampling_x-0", KEY, a_mono444, "subsampling_x", REFUSE, TGT_NORMAL },
	{ "frame_width_minus1-larger-than-context", KEY, a_width_ctx, "frame_width", REFUSE, TGT_NORMAL },
	{ "tile_cols-0", KEY, a_cols0, "tile_cols", REFUSE, TGT_NORMAL },
	{ "tile_cols-65", KEY, a_cols65, "tile_cols", REFUSE, TGT_NORMAL },
	{ "width_in_sbs_minus_1-short", KEY, a_widths, "width_in_sbs_minus_1", REFUSE, TGT_NORMAL },
	{ "context_update_tile_id-1", KEY, a_ctx_tile, "context_update_tile_id", REFUSE, TGT_NORMAL },
	{ "ref_frame_idx-8", INTER, a_ref_idx, "ref_frame_idx[3]", REFUSE, TGT_NORMAL },
	{ "primary_ref_frame-8", KEY, a_primary, "primary_ref_frame", REFUSE, TGT_NORMAL },
	{ "segment-feature_data-256", KEY, a_seg, "feature_data", REFUSE, TGT_NORMAL },
	{ "ref_deltas-64", KEY, a_lf_ref, "ref_deltas[4]", REFUSE, TGT_NORMAL },
	{ "mode_deltas--65", KEY, a_lf_mode, "mode_deltas[1]", REFUSE, TGT_NORMAL },
	{ "filter_level_v-64", KEY, a_lf, "filter_level", REFUSE, TGT_NORMAL },
	{ "v_ac_delta_q--65", KEY, a_dq, "v_ac", REFUSE, TGT_NORMAL },
	{ "cdef_bits-4", KEY, a_cdef_bits, "cdef_bits", REFUSE, TGT_NORMAL },
	{ "cdef_uv_strengths-64", KEY, a_cdef, "cdef_uv_strengths[0]", REFUSE, TGT_NORMAL },
	{ "lr_unit_shift-3", KEY, a_lr, "lr_unit_shift", REFUSE, TGT_NORMAL },
	{ "wmtype-4", KEY, a_wm, "wm[6].wmtype", REFUSE, TGT_NORMAL },
	{ "interp_filter-5", KEY, a_interp, "interp_filter", REFUSE, TGT_NORMAL },
	{ "film-grain-without-film_grain_params_present", KEY, a_grain_seq, "film_grain_params_present = 0", REFUSE, TGT_NORMAL },
	{ "film-grain-num_y_points-15", KEY, a_grain_y15, "num_y_points = 15", REFUSE, TGT_NORMAL },
	{ "film-grain-num_cb_points-11", KEY, a_grain_cb11, "num_cb_points = 11", REFUSE, TGT_NORMAL },
	{ "film-grain-num_cr_points-11", KEY, a_grain_cr11, "num_cr_points = 11", REFUSE, TGT_NORMAL },
	{ "film-grain-point_y_value-not-increasing", KEY, a_grain_y_x, "point_y_value[1]", REFUSE, TGT_NORMAL },
	{ "film-grain-point_cr_value-decreasing", KEY, a_grain_cr_x, "point_cr_value[2]", REFUSE, TGT_NORMAL },
	{ "film-grain-chroma-points-with-chroma_scaling_from_luma", KEY, a_grain_csfl, "chroma_scaling_from_luma", REFUSE, TGT_NORMAL },
	{ "film-grain-cb-points-without-cr-points", KEY, a_grain_cb_only, "num_cr_points = 0", REFUSE, TGT_NORMAL },
	{ "film-grain-cb_offset-512", KEY, a_grain_cb_offset, "cb_offset = 512", REFUSE, TGT_NORMAL },
	{ "film-grain-cr_offset-600", KEY, a_grain_cr_offset, "cr_offset = 600", REFUSE, TGT_NORMAL },
	{ "film-grain-on-a-hidden-frame", KEY, a_grain_hidden, "neither shown nor showable", REFUSE, TGT_NORMAL },
	{ "current_display_picture-larger", KEY, a_shown_larger, "current_display_picture", REFUSE, TGT_NORMAL,
	  VA_STATUS_ERROR_INVALID_SURFACE },
	{ "current_display_picture-of-other-rt-format", KEY, a_shown_other_rt, "current_display_picture", REFUSE,
	  TGT_NORMAL, VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT },
	{ "current_display_picture-no-surface", KEY, a_shown_none, "current_display_picture", REFUSE, TGT_NORMAL,
	  VA_STATUS_ERROR_INVALID_SURFACE },
	{ "order_hint_bits_minus_1-8", KEY, a_hint, "order_hint_bits_minus_1", REFUSE, TGT_NORMAL },
	{ "superres_scale_denominator-17", KEY, a_superres, "superres_scale_denominator", REFUSE, TGT_NORMAL },
	{ "tx_mode-3", KEY, a_tx, "tx_mode", REFUSE, TGT_NORMAL },
	{ "large_scale_tile-1", KEY, a_lst, "large_scale_tile", REFUSE, TGT_NORMAL },
	{ "tile_row-past-tile_rows", KEY, a_tile_row, "tile_row", REFUSE, TGT_NORMAL },
	{ "two-tiles-for-one", KEY, a_two_tiles, "tiles sent", REFUSE, TGT_NORMAL },
	{ "ref_frame_map-no-surface", INTER, a_ref_none, "ref_frame_map[1]", REFUSE, TGT_NORMAL },
	{ "ref_frame_map-larger-surface", INTER, a_ref_larger, "ref_frame_map[0]", REFUSE, TGT_NORMAL },
	{ "ref_frame_map-of-another-context", INTER, a_ref_foreign, "ref_frame_map[6]", REFUSE, TGT_NORMAL },
};

SPOIL(a10_depth8, AV1PP; pp->bit_depth_idx = 0)
SPOIL(a10_depth12, AV1PP; pp->bit_depth_idx = 2)
SPOIL(a10_ref_8bit, AV1PP; pp->ref_frame_map[6] = r->other_depth)

static const struct hcase av1_10_cases[] = {
	GENERIC_CASES, TARGET_LARGER_CASE, SIZE_PAST_CASE, IQ_UNUSED_CASE,
	{ "bit_depth_idx-0-in-10-bit-context", KEY, a10_depth8, "bit_depth_idx = 0", REFUSE, TGT_NORMAL,
	  VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT },
	/* 12 bits is Professional's (seq_profile 2), not Main's */
	{ "bit_depth_idx-2", KEY, a10_depth12, "bit_depth_idx = 2", REFUSE, TGT_NORMAL,
	  VA_STATUS_ERROR_INVALID_PARAMETER },
	/* an 8-bit picture of an 8-bit context: as any surface of another
	 * context, no picture of this one */
	{ "reference-8-bit-of-another-context", INTER, a10_ref_8bit, "ref_frame_map[6]", REFUSE, TGT_NORMAL,
	  0, true },
	{ "ref_frame_map-no-surface", INTER, a_ref_none, "ref_frame_map[1]", REFUSE, TGT_NORMAL },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void av1_grain_display(struct run *r);
static void vp9_outgrow(struct run *r);

static const struct codec codecs[] = {
	{ "mpeg2", VAProfileMPEG2Main, 320, 240, NULL, build_mpeg2,
	  mpeg2_cases, N(mpeg2_cases), true, false },
	{ "h264", VAProfileH264ConstrainedBaseline, 320, 240, "frame",
	  build_h264, h264_cases, N(h264_cases), false, false },
	{ "h264-slice", VAProfileH264ConstrainedBaseline, 320, 240, "slice",
	  build_h264, h264_slice_cases, N(h264_slice_cases), false, false },
	{ "hevc", VAProfileHEVCMain, 200, 120, NULL, build_hevc,
	  hevc_cases, N(hevc_cases), false, false },
	{ "hevc10", VAProfileHEVCMain10, 200, 120, NULL, build_hevc10,
	  hevc10_cases, N(hevc10_cases), false, false,
	  VA_RT_FORMAT_YUV420_10, "hevc" },
	{ "vp8", VAProfileVP8Version0_3, 200, 120, NULL, build_vp8,
	  vp8_cases, N(vp8_cases), true, true },
	{ "vp9", VAProfileVP9Profile0, 352, 288, NULL, build_vp9,
	  vp9_cases, N(vp9_cases), false, false, 0, NULL, vp9_outgrow },
	{ "vp9p2", VAProfileVP9Profile2, 352, 288, NULL, build_vp9p2,
	  vp9p2_cases, N(vp9p2_cases), false, false,
	  VA_RT_FORMAT_YUV420_10, "vp9", vp9_outgrow },
	{ "av1", VAProfileAV1Profile0, 320, 240, NULL, build_av1,
	  av1_cases, N(av1_cases), false, false, 0, NULL, av1_grain_display },
	{ "av1-10", VAProfileAV1Profile0, 320, 240, NULL, build_av1_10,
	  av1_10_cases, N(av1_10_cases), false, false,
	  VA_RT_FORMAT_YUV420_10, "av1" },
};
#pragma GCC diagnostic pop

/* ------------------------------------------------------------------ */
/* Running.                                                            */

static const char *device;

static const struct codec *codec_named(const char *name)
{
	for (unsigned i = 0; i < N(codecs); i++)
		if (!strcmp(codecs[i].name, name))
			return &codecs[i];
	return NULL;
}

static bool open_run(struct run *r, const struct codec *c)
{
	int major, minor;

	memset(r, 0, sizeof(*r));
	r->c = c;
	r->ctx = VA_INVALID_ID;
	r->ctx2 = VA_INVALID_ID;
	r->cfg = VA_INVALID_ID;
	r->ctx3 = VA_INVALID_ID;
	r->cfg3 = VA_INVALID_ID;
	r->other_rt = VA_INVALID_SURFACE;
	r->other_depth = VA_INVALID_SURFACE;
	/* The decode mode is read at vaInitialize: a display per codec. */
	if (c->decode_mode)
		setenv("LIBVA_V4L2_REQUEST_DECODE_MODE", c->decode_mode, 1);
	else
		unsetenv("LIBVA_V4L2_REQUEST_DECODE_MODE");
	r->fd = open(device, O_RDWR | O_CLOEXEC);
	if (r->fd < 0)
		return false;
	r->dpy = vaGetDisplayDRM(r->fd);
	if (!r->dpy)
		return false;
	va_log_capture(r->dpy, verbose);
	return vaInitialize(r->dpy, &major, &minor) == VA_STATUS_SUCCESS;
}

static void close_run(struct run *r)
{
	if (r->ctx != VA_INVALID_ID)
		vaDestroyContext(r->dpy, r->ctx);
	if (r->ctx2 != VA_INVALID_ID)
		vaDestroyContext(r->dpy, r->ctx2);
	if (r->ctx3 != VA_INVALID_ID)
		vaDestroyContext(r->dpy, r->ctx3);
	if (r->foreign)
		vaDestroySurfaces(r->dpy, &r->foreign, 1);
	if (r->other_rt != VA_INVALID_SURFACE)
		vaDestroySurfaces(r->dpy, &r->other_rt, 1);
	if (r->other_depth != VA_INVALID_SURFACE)
		vaDestroySurfaces(r->dpy, &r->other_depth, 1);
	if (r->cfg3 != VA_INVALID_ID)
		vaDestroyConfig(r->dpy, r->cfg3);
	if (r->s[0])
		vaDestroySurfaces(r->dpy, r->s, N_SURF);
	if (r->larger)
		vaDestroySurfaces(r->dpy, &r->larger, 1);
	if (r->cfg != VA_INVALID_ID)
		vaDestroyConfig(r->dpy, r->cfg);
	if (r->dpy)
		vaTerminate(r->dpy);
	if (r->fd > 0)
		close(r->fd);
}

static bool offered(VADisplay dpy, VAProfile profile)
{
	VAProfile list[64];
	int n = 0;

	if (vaMaxNumProfiles(dpy) > 64 ||
	    vaQueryConfigProfiles(dpy, list, &n) != VA_STATUS_SUCCESS)
		return false;
	for (int i = 0; i < n; i++)
		if (list[i] == profile)
			return true;
	return false;
}

/* Whether profile's configs have pictures of RT format rt (AV1 Main has 8
 * and 10 bits in one profile: the device decides). */
static bool rt_offered(VADisplay dpy, VAProfile profile, unsigned rt)
{
	VAConfigAttrib a = { .type = VAConfigAttribRTFormat };

	return vaGetConfigAttributes(dpy, profile, VAEntrypointVLD, &a, 1) ==
		       VA_STATUS_SUCCESS &&
	       a.value != VA_ATTRIB_NOT_SUPPORTED && (a.value & rt);
}

/* A config of profile, its RT format named (FFmpeg names none: the
 * driver's default for the profile is its deepest, the same). */
static VAStatus config_of(struct run *r, const struct codec *c, VAConfigID *cfg)
{
	VAConfigAttrib rt = { .type = VAConfigAttribRTFormat, .value = rt_of(c) };

	return vaCreateConfig(r->dpy, c->profile, VAEntrypointVLD, &rt, 1, cfg);
}

/* c's key picture into a new surface of a context of its own (config
 * cfg), synced. */
static VAStatus decode_elsewhere(struct run *r, const struct codec *c,
				 VAConfigID cfg, VASurfaceID *s, VAContextID *ctx)
{
	struct run other = *r;
	struct va_pic p;
	VAStatus st;

	other.c = c;
	if ((st = vaCreateSurfaces(r->dpy, rt_of(c), c->w, c->h, s, 1, NULL, 0)))
		return st;
	if ((st = vaCreateContext(r->dpy, cfg, (int)c->w, (int)c->h,
				  VA_PROGRESSIVE, s, 1, ctx)))
		return st;
	if (!c->build(&other, &p, KEY, *s))
		return VA_STATUS_ERROR_ALLOCATION_FAILED;
	st = va_pic_decode(r->dpy, *ctx, *s, &p, NULL);
	va_pic_free(&p);
	return st ? st : vaSyncSurface(r->dpy, *s);
}

/* FFmpeg's order: surfaces, then the context naming them. */
static VAStatus make_context(struct run *r)
{
	unsigned rt = rt_of(r->c);
	VAStatus st;

	if ((st = config_of(r, r->c, &r->cfg)) ||
	    (st = vaCreateSurfaces(r->dpy, rt, r->c->w, r->c->h, r->s, N_SURF,
				   NULL, 0)) ||
	    (st = vaCreateContext(r->dpy, r->cfg, (int)r->c->w, (int)r->c->h,
				  VA_PROGRESSIVE, r->s, N_SURF, &r->ctx)))
		return st;
	/* Made after the context: they fit no context, so they stay
	 * unbound (the context's buffers are all bound; one of the other
	 * RT format fits no context of this one's). */
	if ((st = vaCreateSurfaces(r->dpy, rt, r->c->w + 64, r->c->h + 64,
				   &r->larger, 1, NULL, 0)) ||
	    (st = vaCreateSurfaces(r->dpy, rt == VA_RT_FORMAT_YUV420 ?
					   VA_RT_FORMAT_YUV420_10 :
					   VA_RT_FORMAT_YUV420,
				   r->c->w, r->c->h, &r->other_rt, 1, NULL, 0)))
		return st;
	/* This one goes to a context of its own. */
	if ((st = decode_elsewhere(r, r->c, r->cfg, &r->foreign, &r->ctx2)))
		return st;
	/* A picture of the other bit depth, where its profile is offered. */
	const struct codec *o = r->c->other_depth ?
		codec_named(r->c->other_depth) : NULL;
	if (!o || !offered(r->dpy, o->profile) ||
	    !rt_offered(r->dpy, o->profile, rt_of(o)))
		return VA_STATUS_SUCCESS;
	if ((st = config_of(r, o, &r->cfg3)))
		return st;
	return decode_elsewhere(r, o, r->cfg3, &r->other_depth, &r->ctx3);
}

/* A valid picture of kind k into target, synced. */
static bool decode_valid(struct run *r, enum kind k, VASurfaceID target,
			 char *why, size_t why_size)
{
	struct va_pic p;
	const char *failed;

	if (!r->c->build(r, &p, k, target)) {
		snprintf(why, why_size, "cannot build the %s picture (fixture files?)",
			 k == KEY ? "key" : "inter");
		return false;
	}
	VAStatus st = va_pic_decode(r->dpy, r->ctx, target, &p, &failed);
	va_pic_free(&p);
	if (st != VA_STATUS_SUCCESS) {
		snprintf(why, why_size, "valid %s picture: %s: %s; %s",
			 k == KEY ? "key" : "inter", failed, vaErrorStr(st),
			 va_log_last());
		return false;
	}
	st = vaSyncSurface(r->dpy, target);
	if (st != VA_STATUS_SUCCESS) {
		snprintf(why, why_size, "valid %s picture: vaSyncSurface: %s; %s",
			 k == KEY ? "key" : "inter", vaErrorStr(st), va_log_last());
		return false;
	}
	return true;
}

static void run_case(struct run *r, const struct hcase *hc)
{
	char name[160], why[600] = "";
	struct va_pic p;
	const char *failed = NULL;
	bool ok = false;

	snprintf(name, sizeof(name), "%s/%s", r->c->name, hc->name);
	if (hc->needs_other_depth && r->other_depth == VA_INVALID_SURFACE) {
		report_skip(name, "the driver does not offer %s here",
			    vaProfileStr(codec_named(r->c->other_depth)->profile));
		return;
	}
	VASurfaceID target = hc->target == TGT_LARGER ? r->larger :
		hc->target == TGT_NONE ? BOGUS_SURFACE :
		hc->target == TGT_OTHER_RT ? r->other_rt :
		hc->kind == INTER ? r->s[INTER_T] : r->s[CASE];
	if (!r->c->build(r, &p, hc->kind, target)) {
		report(name, false, "cannot build the picture");
		return;
	}
	hc->spoil(r, &p);
	va_log_clear();
	VAStatus st = va_pic_decode(r->dpy, r->ctx, target, &p, &failed);
	va_pic_free(&p);
	bool named = !hc->field || strstr(va_log_text(), hc->field);

	if (hc->policy == REFUSE) {
		if (st == VA_STATUS_SUCCESS)
			snprintf(why, sizeof(why), "accepted (%s)", va_log_last());
		else if (hc->status && st != hc->status)
			snprintf(why, sizeof(why), "%s: %s, not %s (%s)", failed,
				 vaErrorStr(st), vaErrorStr(hc->status),
				 va_log_last());
		else if (!named)
			snprintf(why, sizeof(why), "%s: %s, but the log does not "
				 "name %s: %s", failed, vaErrorStr(st), hc->field,
				 va_log_last());
		else
			ok = true;
	} else {
		VAStatus sync = st == VA_STATUS_SUCCESS ?
			vaSyncSurface(r->dpy, target) : st;
		if (st != VA_STATUS_SUCCESS)
			snprintf(why, sizeof(why), "%s: %s (%s)", failed,
				 vaErrorStr(st), va_log_last());
		else if (sync != VA_STATUS_SUCCESS)
			snprintf(why, sizeof(why), "vaSyncSurface: %s (%s)",
				 vaErrorStr(sync), va_log_last());
		else if (!named)
			snprintf(why, sizeof(why), "decoded, but the log does "
				 "not name %s: %s", hc->field, va_log_last());
		else
			ok = true;
	}
	/* The same context decodes the next valid picture. */
	if (ok && !decode_valid(r, hc->kind, hc->kind == INTER ? r->s[INTER_T] :
				r->s[NEXT], why, sizeof(why)))
		ok = false;
	report(name, ok, "%s", why);
}

/* xorshift32: the sweep's fixed-seed generator. */
static uint32_t rng;

static uint32_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

/* Bytes of the parameter buffers flipped or replaced: no crash, a status
 * that is success or an error, a surface that syncs, and a valid picture
 * decoding after them. */
static void sweep(struct run *r, unsigned iterations)
{
	char name[64], why[600] = "";
	unsigned refused = 0, accepted = 0, failed_sync = 0;
	bool ok = true;
	struct va_pic base[2];

	snprintf(name, sizeof(name), "%s/byte-mutation-sweep", r->c->name);
	rng = 0x9e3779b9u ^ (uint32_t)strlen(r->c->name) * 2654435761u;
	if (!r->c->build(r, &base[KEY], KEY, r->s[CASE]) ||
	    !r->c->build(r, &base[INTER], INTER, r->s[INTER_T])) {
		report(name, false, "cannot build the pictures");
		return;
	}
	for (unsigned i = 0; i < iterations && ok; i++) {
		enum kind k = i & 1 ? INTER : KEY;
		VASurfaceID target = k == INTER ? r->s[INTER_T] : r->s[CASE];
		struct va_pic p;

		if (!va_pic_copy(&p, &base[k]))
			break;
		/* One buffer: a parameter buffer, or (one time in eight) the
		 * headers at the start of the slice data, which the driver
		 * reads too (H.264 and HEVC slice headers, VP9's frame
		 * header). */
		unsigned n_params = 0, which;
		for (unsigned j = 0; j < p.n; j++)
			n_params += p.b[j].type != VASliceDataBufferType;
		bool data = next() % 8 == 0;
		which = next() % n_params;
		struct va_pic_buf *b = NULL;
		for (unsigned j = 0; j < p.n && !b; j++)
			if (data ? p.b[j].type == VASliceDataBufferType :
			    p.b[j].type != VASliceDataBufferType && !which--)
				b = &p.b[j];
		size_t size = (size_t)b->size * b->n;
		if (data && size > 48)
			size = 48;
		unsigned flips = 1 + next() % 4;
		for (unsigned f = 0; f < flips; f++) {
			size_t at = next() % size;
			switch (next() % 3) {
			case 0: b->data[at] ^= (uint8_t)(1u << (next() % 8)); break;
			case 1: b->data[at] = (uint8_t)next(); break;
			default: b->data[at] = next() & 1 ? 0xff : 0; break;
			}
		}
		va_log_clear();
		VAStatus st = va_pic_decode(r->dpy, r->ctx, target, &p, NULL);
		va_pic_free(&p);
		if (st == VA_STATUS_SUCCESS) {
			accepted++;
			VAStatus s = vaSyncSurface(r->dpy, target);
			/* visl checks every control as the kernel's control
			 * framework does and fails nothing on its own: a
			 * decoding error here is a value the driver let
			 * through to the kernel instead of refusing it with
			 * its field named. */
			if (s != VA_STATUS_SUCCESS) {
				snprintf(why, sizeof(why), "iteration %u: "
					 "vaSyncSurface: %s (%s)", i,
					 vaErrorStr(s), va_log_last());
				ok = false;
			}
			failed_sync += s != VA_STATUS_SUCCESS;
		} else {
			refused++;
		}
		/* The key picture reference stays; every few, a valid
		 * picture must still decode. */
		if (ok && (i % 8 == 7 || i + 1 == iterations) &&
		    !decode_valid(r, i % 16 == 15 ? INTER : KEY,
				  i % 16 == 15 ? r->s[INTER_T] : r->s[NEXT],
				  why, sizeof(why))) {
			char tmp[600];
			snprintf(tmp, sizeof(tmp), "after iteration %u: %s", i, why);
			snprintf(why, sizeof(why), "%s", tmp);
			ok = false;
		}
	}
	va_pic_free(&base[KEY]);
	va_pic_free(&base[INTER]);
	/* A sweep that never reaches the driver's checks, or never gets
	 * past them, tests nothing. */
	if (ok && iterations >= 50 && (refused < iterations / 50 ||
				       accepted < iterations / 50)) {
		snprintf(why, sizeof(why), "%u pictures refused, %u accepted: "
			 "the mutations miss one side", refused, accepted);
		ok = false;
	}
	report(name, ok, "%s", why);
	if (verbose)
		fprintf(stderr, "%s: %u pictures refused, %u accepted (%u of "
			"them failed on the device)\n", r->c->name, refused,
			accepted, failed_sync);
}

/* A key frame with film grain into target, shown from `shown`. */
static VAStatus decode_grain(struct run *r, VASurfaceID target,
			     VASurfaceID shown)
{
	struct va_pic p;

	if (!r->c->build(r, &p, KEY, target))
		return VA_STATUS_ERROR_ALLOCATION_FAILED;
	av1_fx_film_grain(va_pic_get(&p, VAPictureParameterBufferType, NULL), shown);
	VAStatus st = va_pic_decode(r->dpy, r->ctx, target, &p, NULL);
	va_pic_free(&p);
	return st;
}

/* The display surface's memory (vaDeriveImage), tightly packed NV12 like
 * va_read_nv12; NULL when it cannot be derived. */
static uint8_t *derive_nv12(VADisplay dpy, VASurfaceID s, unsigned w,
			    unsigned h)
{
	VAImage img;
	uint8_t *out = NULL;

	if (vaDeriveImage(dpy, s, &img))
		return NULL;
	if (img.format.fourcc == VA_FOURCC_NV12)
		out = va_pack_image(dpy, &img, w, h);
	vaDestroyImage(dpy, img.image_id);
	return out;
}

static bool same(const uint8_t *a, const uint8_t *b, unsigned w, unsigned h)
{
	return a && b && !memcmp(a, b, (size_t)w * h * 3 / 2);
}

/* AV1 film grain: the frame decodes into its render target and the
 * display surface (current_display_picture) shows that picture once the
 * decode is complete, read back after vaQuerySurfaceStatus says it is
 * ready, and by vaSyncSurface, vaGetImage and vaDeriveImage; a display
 * surface still due its picture gets it before its render target is
 * decoded into again. visl draws each job's sequence number: every
 * picture differs. */
static void av1_grain_display(struct run *r)
{
	const unsigned w = r->c->w, h = r->c->h;
	const VASurfaceID target = r->s[CASE], shown = r->s[NEXT],
			  shown2 = r->s[INTER_T];
	uint8_t *before = NULL, *decoded = NULL, *got = NULL, *derived = NULL,
		*second = NULL, *got2 = NULL;
	char why[600] = "";
	bool ok = false;
	VAStatus st;

	/* the display surface holds another picture first */
	if (!decode_valid(r, KEY, shown, why, sizeof(why)))
		goto out;
	before = va_read_nv12(r->dpy, shown, w, h);
	if ((st = decode_grain(r, target, shown))) {
		snprintf(why, sizeof(why), "grain frame: %s (%s)",
			 vaErrorStr(st), va_log_last());
		goto out;
	}
	VASurfaceStatus status = VASurfaceRendering;
	for (unsigned i = 0; i < 5000 && status == VASurfaceRendering; i++) {
		if ((st = vaQuerySurfaceStatus(r->dpy, shown, &status))) {
			snprintf(why, sizeof(why), "vaQuerySurfaceStatus: %s",
				 vaErrorStr(st));
			goto out;
		}
		usleep(1000);
	}
	derived = derive_nv12(r->dpy, shown, w, h);
	if ((st = vaSyncSurface(r->dpy, shown)) ||
	    (st = vaSyncSurface(r->dpy, target))) {
		snprintf(why, sizeof(why), "vaSyncSurface: %s (%s)",
			 vaErrorStr(st), va_log_last());
		goto out;
	}
	decoded = va_read_nv12(r->dpy, target, w, h);
	got = va_read_nv12(r->dpy, shown, w, h);
	if (status != VASurfaceReady || !same(got, decoded, w, h) ||
	    !same(derived, decoded, w, h) || same(before, decoded, w, h)) {
		snprintf(why, sizeof(why), "the display surface (%s) does not "
			 "show the render target's picture: vaGetImage %s, "
			 "vaDeriveImage %s, its earlier picture %s",
			 status == VASurfaceReady ? "ready" : "never ready",
			 same(got, decoded, w, h) ? "equal" : "differs",
			 same(derived, decoded, w, h) ? "equal" : "differs",
			 same(before, decoded, w, h) ? "equal" : "differs");
		goto out;
	}
	/* shown is due the next picture of target, unread when target is
	 * decoded into again */
	if ((st = decode_grain(r, target, shown)) ||
	    (st = vaSyncSurface(r->dpy, target))) {
		snprintf(why, sizeof(why), "second grain frame: %s (%s)",
			 vaErrorStr(st), va_log_last());
		goto out;
	}
	second = va_read_nv12(r->dpy, target, w, h);
	if ((st = decode_grain(r, target, shown2)) ||
	    (st = vaSyncSurface(r->dpy, shown2))) {
		snprintf(why, sizeof(why), "third grain frame: %s (%s)",
			 vaErrorStr(st), va_log_last());
		goto out;
	}
	free(got);
	got = va_read_nv12(r->dpy, shown, w, h);
	got2 = va_read_nv12(r->dpy, shown2, w, h);
	free(decoded);
	decoded = va_read_nv12(r->dpy, target, w, h);
	if (!same(got, second, w, h) || !same(got2, decoded, w, h) ||
	    same(second, decoded, w, h))
		snprintf(why, sizeof(why), "render target decoded into again: "
			 "the first display surface %s its picture, the second "
			 "%s the new one (the two pictures %s)",
			 same(got, second, w, h) ? "has" : "lost",
			 same(got2, decoded, w, h) ? "shows" : "does not show",
			 same(second, decoded, w, h) ? "are equal" : "differ");
	else
		ok = decode_valid(r, KEY, r->s[NEXT], why, sizeof(why));
out:
	report("av1/film-grain-display-surface", ok, "%s", why);
	free(before);
	free(decoded);
	free(got);
	free(derived);
	free(second);
	free(got2);
}

/* A VP9 inter frame larger than the context (vp9-grow's growth: vavp9dec
 * keeps its context and hands over a larger surface): the context moves to
 * device buffers of that size and decodes on, saying so; the pictures of
 * before keep their pixels but are no references any more, and the log
 * says why; the larger picture is a reference for the next one. Before
 * that, where visl can refuse picture buffers, the same frame without
 * memory for them: refused, nothing lost. */
static void vp9_outgrow(struct run *r)
{
	const unsigned w = r->c->w, h = r->c->h;
	const bool deep = rt_of(r->c) == VA_RT_FORMAT_YUV420_10;
	const uint32_t fourcc = deep ? VA_FOURCC_P010 : VA_FOURCC_NV12;
	const unsigned row = deep ? 2 * w : w;	/* bytes for same() */
	char name[96], why[600] = "";
	uint8_t *before = NULL, *after = NULL;
	VASurfaceID next = VA_INVALID_SURFACE;
	const char *failed = NULL;
	struct va_pic p;
	bool ok = false;
	VAStatus st;

	snprintf(name, sizeof(name), "%s/target-larger-than-context", r->c->name);
	before = va_read_image(r->dpy, r->s[REF], fourcc, w, h);
	struct vp9_desc d = vp9_fx_inter_desc();
	d.profile = deep ? 2 : 0;
	d.size_from_ref = false;
	d.width = w + 64;
	d.height = h + 64;
	if (!vp9_pic(r, &p, &d)) {
		snprintf(why, sizeof(why), "cannot build the larger frame");
		goto out;
	}
	/* No memory for the larger buffers (visl's fault_capture_nomem):
	 * the frame is refused saying so, and the context decodes on in
	 * its buffers, its references kept. */
	if (va_visl_param("fault_capture_nomem", 1)) {
		va_log_clear();
		st = va_pic_decode(r->dpy, r->ctx, r->larger, &p, &failed);
		va_visl_param("fault_capture_nomem", 0);
		if (st != VA_STATUS_ERROR_ALLOCATION_FAILED ||
		    !strstr(va_log_text(), "cannot allocate")) {
			snprintf(why, sizeof(why), "larger frame without memory "
				 "for its buffers: %s (%s)", vaErrorStr(st),
				 va_log_text());
			va_pic_free(&p);
			goto out;
		}
		va_log_clear();
		if (!decode_valid(r, INTER, r->s[INTER_T], why, sizeof(why))) {
			va_pic_free(&p);
			goto out;
		}
		if (strstr(va_log_text(), "reference")) {
			snprintf(why, sizeof(why), "after a growth that failed, "
				 "a reference was left out: %s", va_log_text());
			va_pic_free(&p);
			goto out;
		}
	}
	va_log_clear();
	st = va_pic_decode(r->dpy, r->ctx, r->larger, &p, &failed);
	va_pic_free(&p);
	if (st == VA_STATUS_SUCCESS)
		st = vaSyncSurface(r->dpy, r->larger);
	if (st != VA_STATUS_SUCCESS) {
		snprintf(why, sizeof(why), "larger frame: %s: %s (%s)",
			 failed ? failed : "vaSyncSurface", vaErrorStr(st),
			 va_log_last());
		goto out;
	}
	if (!strstr(va_log_text(), "outgrows") ||
	    !strstr(va_log_text(), "no reference any more")) {
		snprintf(why, sizeof(why), "decoded, but the log does not say "
			 "the context outgrew its pictures and the references of "
			 "before are lost: %s", va_log_text());
		goto out;
	}
	after = va_read_image(r->dpy, r->s[REF], fourcc, w, h);
	if (!same(before, after, row, h)) {
		snprintf(why, sizeof(why), "the picture decoded before the "
			 "growth %s", after ? "changed" : "cannot be read");
		goto out;
	}
	/* the next frame, of the larger size, predicts from the larger one */
	if ((st = vaCreateSurfaces(r->dpy, rt_of(r->c), w + 64, h + 64, &next,
				   1, NULL, 0))) {
		snprintf(why, sizeof(why), "vaCreateSurfaces: %s", vaErrorStr(st));
		goto out;
	}
	VASurfaceID refs[8];
	for (unsigned i = 0; i < 8; i++)
		refs[i] = r->larger;
	va_log_clear();
	if (!vp9_pic_refs(&p, &d, refs)) {
		snprintf(why, sizeof(why), "cannot build the next frame");
		goto out;
	}
	st = va_pic_decode(r->dpy, r->ctx, next, &p, &failed);
	va_pic_free(&p);
	if (st == VA_STATUS_SUCCESS)
		st = vaSyncSurface(r->dpy, next);
	if (st != VA_STATUS_SUCCESS)
		snprintf(why, sizeof(why), "next frame: %s: %s (%s)",
			 failed ? failed : "vaSyncSurface", vaErrorStr(st),
			 va_log_last());
	else if (strstr(va_log_text(), "reference"))
		snprintf(why, sizeof(why), "next frame: a reference was left "
			 "out: %s", va_log_text());
	else
		ok = true;
out:
	report(name, ok, "%s", why);
	if (next != VA_INVALID_SURFACE)
		vaDestroySurfaces(r->dpy, &next, 1);
	free(before);
	free(after);
}

/* A render target the context cannot take, named at vaCreateContext:
 * refused there with status, the log naming field; the first context
 * then decodes on. */
static void refused_render_target(struct run *r, const char *what,
				  VASurfaceID target, VAStatus status,
				  const char *field)
{
	char name[96], why[600] = "";
	VAContextID ctx = VA_INVALID_ID;

	snprintf(name, sizeof(name), "%s/render-target-%s", r->c->name, what);
	va_log_clear();
	VAStatus st = vaCreateContext(r->dpy, r->cfg, (int)r->c->w, (int)r->c->h,
				      VA_PROGRESSIVE, &target, 1, &ctx);
	bool ok = false;
	if (st == VA_STATUS_SUCCESS) {
		snprintf(why, sizeof(why), "vaCreateContext accepted it");
		vaDestroyContext(r->dpy, ctx);
	} else if (status && st != status) {
		snprintf(why, sizeof(why), "%s, not %s (%s)", vaErrorStr(st),
			 vaErrorStr(status), va_log_last());
	} else if (!strstr(va_log_text(), field)) {
		snprintf(why, sizeof(why), "%s, but the log says %s",
			 vaErrorStr(st), va_log_last());
	} else {
		ok = decode_valid(r, KEY, r->s[NEXT], why, sizeof(why));
	}
	report(name, ok, "%s", why);
}

static void run_codec(const struct codec *c, const char *h264_dir,
		      unsigned iterations)
{
	struct run r;
	char name[96], why[600] = "";

	snprintf(name, sizeof(name), "%s/valid-pictures", c->name);
	if (!open_run(&r, c)) {
		report(name, false, "cannot initialise VA on %s", device);
		close_run(&r);
		return;
	}
	r.h264_dir = h264_dir;
	if (!offered(r.dpy, c->profile)) {
		report_skip(name, "the driver does not offer %s here",
			    vaProfileStr(c->profile));
		close_run(&r);
		return;
	}
	if (!rt_offered(r.dpy, c->profile, rt_of(c))) {
		report_skip(name, "the driver offers %s without %s pictures here",
			    vaProfileStr(c->profile),
			    rt_of(c) == VA_RT_FORMAT_YUV420_10 ? "10-bit" : "8-bit");
		close_run(&r);
		return;
	}
	VAStatus st = make_context(&r);
	bool ok = st == VA_STATUS_SUCCESS;
	if (!ok)
		snprintf(why, sizeof(why), "context: %s (%s)", vaErrorStr(st),
			 va_log_last());
	/* The driver falls back to the mode the device has (and says so):
	 * this mode's cases would test the other one. */
	char mode_msg[64];
	snprintf(mode_msg, sizeof(mode_msg), "offers no %s-based",
		 c->decode_mode ? c->decode_mode : "");
	if (ok && c->decode_mode && strstr(va_log_text(), mode_msg)) {
		report_skip(name, "the device has no %s-based decoding",
			    c->decode_mode);
		close_run(&r);
		return;
	}
	va_log_clear();
	ok = ok && decode_valid(&r, KEY, r.s[REF], why, sizeof(why)) &&
	     decode_valid(&r, INTER, r.s[INTER_T], why, sizeof(why));
	report(name, ok, "%s", why);
	if (ok) {
		for (unsigned i = 0; i < c->n_cases; i++)
			run_case(&r, &c->cases[i]);
		refused_render_target(&r, "larger-than-context", r.larger, 0,
				      "larger than the");
		refused_render_target(&r, "of-other-rt-format", r.other_rt,
				      VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT,
				      "RT format");
		if (c->extra)
			c->extra(&r);
		sweep(&r, iterations);
	}
	close_run(&r);
}

int main(int argc, char **argv)
{
	const char *h264_dir = argc > 2 ? argv[2] : "tests/unit/data/h264";
	const char *v = getenv("V4L2R_HOSTILE_SWEEP");
	unsigned iterations = v ? (unsigned)strtoul(v, NULL, 10) : 400;

	if (argc < 2) {
		fprintf(stderr, "usage: va-hostile RENDER_NODE [H264_DATA_DIR]\n");
		return 2;
	}
	device = argv[1];
	const char *vv = getenv("V4L2R_HOSTILE_VERBOSE");
	verbose = vv && !strcmp(vv, "1");
	/* Warnings too: the accepted cases are known by theirs. */
	setenv("LIBVA_V4L2_REQUEST_LOG_LEVEL", "1", 1);
	/* A picture the device never finishes must not stall the run. */
	setenv("LIBVA_V4L2_REQUEST_SYNC_TIMEOUT_MS", "3000", 1);
	setvbuf(stdout, NULL, _IOLBF, 0);
	const char *only = getenv("V4L2R_HOSTILE_ONLY");
	for (unsigned i = 0; i < N(codecs); i++) {
		char key[40];
		snprintf(key, sizeof(key), ",%s,", codecs[i].name);
		char *list = NULL;
		if (only && asprintf(&list, ",%s,", only) > 0 && !strstr(list, key)) {
			free(list);
			continue;
		}
		free(list);
		run_codec(&codecs[i], h264_dir, iterations);
	}
	return report_summary();
}
