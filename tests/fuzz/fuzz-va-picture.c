/* The VA driver's picture path without a device, as vaRenderPicture and
 * vaEndPicture drive it (src/va/picture.c and each codec's translation):
 * hostile buffers are collected, the picture is translated, its requests
 * are planned, their controls filtered and read through, and the bitstream
 * is written into a buffer of exactly the size asked for (or one byte
 * short). Codec state lives on across the pictures of one input.
 *
 * Input: codec (1 byte); decode mode (1: slice-based, Annex B, no control
 * filter, profile index above; without bit 2 the device's controls-present
 * mask follows in 4 more); then per picture a run of
 * buffers, each an opcode byte and its contents, by (op & 0x7f) % 6:
 *   0..2: picture parameters, IQ matrix, probability table, of
 *     the codec's size (op & 0x80: of a size taken from the input instead)
 *   3: 1..4 slice parameter structs (count from the next byte)
 *   4: slice data, its size from the next two bytes, in memory of its
 *     own like a VA buffer's (the picture points into it until written;
 *     op & 0x80: the picture's last slice data buffer once more, as a
 *     client rendering one buffer again and again)
 *   5: end of the picture: finish, translate, plan, write (op & 0x80:
 *     into a bitstream buffer one byte short). */
#include "config.h"

#include <stdlib.h>

#include <linux/videodev2.h>

#include "fuzz.h"
#include "va/driver.h"

#define MAX_PICTURES 8
#define MAX_BUFFERS 128

/* AV1 where the kernel headers have its uAPI (configure's condition). */
static const struct va_codec_ops *const codecs[] = {
	&va_codec_mpeg2, &va_codec_h264, &va_codec_hevc, &va_codec_vp8,
	&va_codec_vp9,
#ifdef V4L2_CID_STATELESS_AV1_SEQUENCE
	&va_codec_av1,
#endif
};

/* Surfaces 1..16 were decoded (timestamp id * 1000), others never. */
static uint64_t surface_timestamp(void *opaque, VASurfaceID id)
{
	return id >= 1 && id <= 16 ? (uint64_t)id * 1000 : 0;
}

/* Every byte a planned control points at must be readable. */
static unsigned read_controls(const struct v4l2_ext_control *c, unsigned n)
{
	unsigned sum = 0;

	for (unsigned i = 0; i < n; i++)
		for (uint32_t k = 0; c[i].ptr && k < c[i].size; k++)
			sum += ((const uint8_t *)c[i].ptr)[k];
	return sum;
}

static void write_requests(const struct va_codec_ops *ops, void *state,
			   const struct va_picture_input *pic,
			   const struct v4l2r_decode_mode *mode, bool short_by_one)
{
	const struct v4l2r_codec_desc *desc = v4l2r_codec_get(ops->codec);
	unsigned n_req = ops->request_count ?
		ops->request_count(state, mode) : 1;

	for (unsigned i = 0; i < n_req && i < 1024; i++) {
		struct v4l2_ext_control controls[VA_CODEC_MAX_CONTROLS];
		struct va_request_plan plan = { .controls = controls };

		memset(controls, 0, sizeof(controls));
		ops->plan_request(state, mode, i, &plan);
		if (plan.n_controls > VA_CODEC_MAX_CONTROLS)
			abort();
		plan.n_controls = va_filter_controls(desc, mode->controls_present,
						     controls, plan.n_controls);
		read_controls(controls, plan.n_controls);
		size_t need = va_bitstream_size(ops, state, pic, mode,
						plan.first_slice, plan.n_slices);
		size_t cap = short_by_one && need ? need - 1 : need;
		if (need > (64u << 20))
			continue;
		uint8_t *dst = malloc(cap ? cap : 1);
		size_t written = 0;
		if (dst && va_bitstream_write(ops, state, pic, mode,
					      plan.first_slice, plan.n_slices,
					      dst, cap, &written) == 0 &&
		    written > cap)
			abort();
		free(dst);
	}
}

/* The slice data buffers of the picture being collected. */
struct data_buffers {
	uint8_t *p[MAX_BUFFERS];
	unsigned n;
};

static void free_data(struct data_buffers *d)
{
	for (unsigned i = 0; i < d->n; i++)
		free(d->p[i]);
	d->n = 0;
}

static void end_picture(const struct va_codec_ops *ops, void *state,
			struct va_picture_accum *acc,
			const struct v4l2r_decode_mode *mode, VAProfile profile,
			bool short_by_one)
{
	struct va_picture_input pic;
	struct va_ref_resolver refs = { .timestamp = surface_timestamp };
	char why[192];

	if (va_accum_finish(acc, &pic, why, sizeof(why)) == VA_STATUS_SUCCESS) {
		pic.target = 1;
		pic.profile = profile;
		if (ops->is_field)
			ops->is_field(&pic);
		if (ops->translate(state, &pic, mode, &refs) == VA_STATUS_SUCCESS)
			write_requests(ops, state, &pic, mode, short_by_one);
	}
	va_accum_reset(acc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	const struct va_codec_ops *ops =
		codecs[fuzz_u8(&in) % (sizeof(codecs) / sizeof(codecs[0]))];
	uint8_t m = fuzz_u8(&in);
	const struct v4l2r_decode_mode mode = {
		.slice_based = m & 1, .annex_b = m & 2,
		.controls_present = m & 4 ? 0 : fuzz_u32(&in),
	};
	VAProfile profiles[VA_MAX_PROFILES];
	unsigned n_profiles = ops->profiles(~0ull, profiles, VA_MAX_PROFILES);
	VAProfile profile = n_profiles ? profiles[(m >> 3) % n_profiles] :
					 VAProfileNone;
	struct va_picture_accum acc;
	struct data_buffers data_bufs = { .n = 0 };
	void *state = calloc(1, ops->state_size ? ops->state_size : 1);
	static uint8_t buf[1 << 16];
	char why[192];

	if (!state || va_accum_init(&acc, ops) < 0) {
		free(state);
		return 0;
	}
	acc.data_limit = 256 * 1024;	/* a small device's OUTPUT buffer */
	unsigned last_data = 0;
	for (unsigned p = 0, b = 0; p < MAX_PICTURES && in.size; b++) {
		uint8_t op = fuzz_u8(&in);
		unsigned elem = 0, n = 1;
		VABufferType type;

		unsigned kind = (op & 0x7fu) % 6;

		switch (kind) {
		case 0: type = VAPictureParameterBufferType;
			elem = (unsigned)ops->pic_param_size; break;
		case 1: type = VAIQMatrixBufferType;
			elem = (unsigned)ops->iq_matrix_size; break;
		case 2: type = VAProbabilityBufferType;
			elem = (unsigned)ops->prob_table_size; break;
		case 3: type = VASliceParameterBufferType;
			elem = (unsigned)ops->slice_param_size;
			n = 1 + fuzz_u8(&in) % 4; break;
		case 4: type = VASliceDataBufferType;
			if (op & 0x80) {
				elem = last_data;
				break;
			}
			elem = (unsigned)fuzz_u8(&in) << 8;
			elem |= fuzz_u8(&in);
			last_data = elem;
			break;
		default:
			end_picture(ops, state, &acc, &mode, profile, op & 0x80);
			free_data(&data_bufs);
			p++;
			b = 0;
			continue;
		}
		if (op & 0x80 && kind < 3)
			elem = fuzz_u8(&in) * 4u;
		if ((size_t)elem * n > sizeof(buf) || b >= MAX_BUFFERS)
			continue;
		const uint8_t *src = buf;
		if (type != VASliceDataBufferType) {
			fuzz_bytes(&in, buf, (size_t)elem * n);
		} else if (op & 0x80) {
			if (!data_bufs.n)
				continue;
			src = data_bufs.p[data_bufs.n - 1];
		} else {
			uint8_t *d = malloc(elem ? elem : 1);
			if (!d)
				continue;
			fuzz_bytes(&in, d, elem);
			data_bufs.p[data_bufs.n++] = d;
			src = d;
		}
		va_accum_add(&acc, type, src, elem, n, why, sizeof(why));
	}
	va_accum_fini(&acc);
	free_data(&data_bufs);
	free(state);
	return 0;
}
