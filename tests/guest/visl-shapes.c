/* Guest checks of visl's personalities (tests/vm/visl-personality.patch)
 * through the core: one line per case, a summary line, non-zero exit on
 * any failure.
 *
 *   visl-shapes layouts CODEC [OUT [WIDTHxHEIGHT]]
 *	Decodes one picture into every CAPTURE format the device offers for
 *	CODEC (mpeg2, h264, hevc, vp8, vp9, av1), 8-bit ones and, after a
 *	10-bit sequence control (the core's, bit_depth.h), 10-bit ones;
 *	turns each into a linear picture with the core's untilers/unpackers
 *	and compares it with the first linear 8-bit one (10-bit samples: the 8-bit ones shifted left by two). OUT
 *	gets that reference picture, linear NV12 (WIDTHxHEIGHT), so that a
 *	script can compare personalities.
 *   visl-shapes slices
 *	HEVC slices per request: when the slice-parameters control holds one
 *	element (Cedrus: dims { 1 }), a request with two is refused; when it
 *	holds more, two are taken.
 *   visl-shapes faults CODEC N ERROR_EVERY HANG_EVERY
 *	Decodes N pictures on one session, each queued before the one
 *	before it is waited for (so one is queued behind a hung job), and
 *	expects exactly those visl's fault parameters (set by the caller)
 *	spoil: every ERROR_EVERYth job a decoding error, every HANG_EVERYth a
 *	timeout after which the session recovers and the picture behind it
 *	decodes. Then a hung job is left pending and the session closed
 *	(STREAMOFF and close must end it).
 *
 * visl does not parse the bitstream nor need any control in a request, so
 * the requests carry a few bytes and no controls. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/videodev2.h>

#include "v4l2r/bit_depth.h"
#include "v4l2r/discovery.h"
#include "v4l2r/format.h"
#include "v4l2r/log.h"
#include "v4l2r/session.h"

/* The picture's size; VP9 on rkvdec steps by 64 ("layouts vp9 OUT 320x256"). */
static unsigned WIDTH = 320, HEIGHT = 240;
#define WAIT_MS 5000

static unsigned passed, failed, skipped;
static const struct v4l2r_node *node;

__attribute__((format(printf, 3, 4)))
static void report(const char *name, int status, const char *fmt, ...)
{
	static const char *const words[] = { "OK", "FAIL", "SKIP" };

	printf("test %s: %s", name, words[status]);
	if (status && fmt) {
		va_list ap;

		printf(" (");
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		printf(")");
	}
	printf("\n");
	fflush(stdout);
	if (status == 0)
		passed++;
	else if (status == 1)
		failed++;
	else
		skipped++;
}

static const char *fcc(uint32_t f, char buf[8])
{
	for (int i = 0; i < 4; i++)
		buf[i] = (char)(f >> (8 * i));
	buf[4] = '\0';
	return buf;
}

struct codec {
	const char *name;
	uint32_t fourcc;
	enum v4l2r_codec id;
};

static const struct codec codecs[] = {
	{ "mpeg2", V4L2_PIX_FMT_MPEG2_SLICE, V4L2R_CODEC_MPEG2 },
	{ "h264", V4L2_PIX_FMT_H264_SLICE, V4L2R_CODEC_H264 },
	{ "hevc", V4L2_PIX_FMT_HEVC_SLICE, V4L2R_CODEC_HEVC },
	{ "vp8", V4L2_PIX_FMT_VP8_FRAME, V4L2R_CODEC_VP8 },
	{ "vp9", V4L2_PIX_FMT_VP9_FRAME, V4L2R_CODEC_VP9 },
	{ "av1", V4L2_PIX_FMT_AV1_FRAME, V4L2R_CODEC_AV1 },
};

static const struct codec *codec_by_name(const char *name)
{
	for (unsigned i = 0; i < sizeof(codecs) / sizeof(codecs[0]); i++)
		if (!strcmp(codecs[i].name, name))
			return &codecs[i];
	return NULL;
}

/* The core's sequence control saying the stream is 10-bit (as the probe
 * sends it), which makes Hantro (HEVC, VP9; AV1 on vpu981) and rkvdec
 * (H.264) offer their 10-bit CAPTURE formats; false when the codec has
 * none. */
static bool ten_bit_control(const struct codec *c,
			    union v4l2r_bit_depth_payload *p,
			    struct v4l2_ext_control *ctrl)
{
	return v4l2r_bit_depth_control(c->id, 10, WIDTH, HEIGHT, p, ctrl);
}

static int set_10bit(struct v4l2r_session *s, const struct codec *c)
{
	union v4l2r_bit_depth_payload p;
	struct v4l2_ext_control ctrl;

	if (!ten_bit_control(c, &p, &ctrl))
		return -ENOTSUP;
	return v4l2r_session_set_controls(s, &ctrl, 1);
}

/* Whether the device lists the codec's coded format on OUTPUT. */
static bool codec_offered(const struct codec *c)
{
	struct v4l2r_session *s;
	bool found = false;
	int fd;

	if (v4l2r_session_open(node, &s) < 0)
		return false;
	fd = v4l2r_session_video_fd(s);
	for (uint32_t i = 0; !found; i++) {
		struct v4l2_fmtdesc d = { .index = i, .type = V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE };

		if (ioctl(fd, VIDIOC_ENUM_FMT, &d) < 0) {
			d.type = V4L2_BUF_TYPE_VIDEO_OUTPUT;
			if (ioctl(fd, VIDIOC_ENUM_FMT, &d) < 0)
				break;
		}
		found = d.pixelformat == c->fourcc;
	}
	v4l2r_session_close(s);
	return found;
}

static struct v4l2r_session *open_codec(const struct codec *c, bool ten_bit)
{
	struct v4l2r_session *s;
	int ret = v4l2r_session_open(node, &s);

	if (ret < 0) {
		fprintf(stderr, "session_open: %s\n", strerror(-ret));
		return NULL;
	}
	ret = v4l2r_session_set_output_format(s, c->fourcc, WIDTH, HEIGHT, 0);
	if (ret == 0 && ten_bit)
		ret = set_10bit(s, c);
	if (ret < 0) {
		fprintf(stderr, "%s: output format / 10-bit header: %s\n",
			c->name, strerror(-ret));
		v4l2r_session_close(s);
		return NULL;
	}
	return s;
}

/* Queues a picture with a few bitstream bytes and no controls. */
static int queue_one(struct v4l2r_session *s, unsigned index, uint64_t ts,
		     int timeout_ms)
{
	struct v4l2r_request *r;
	size_t capacity;
	int ret = v4l2r_request_acquire(s, timeout_ms, &r);

	if (ret < 0)
		return ret;
	uint8_t *data = v4l2r_request_data(r, &capacity);
	static const uint8_t bytes[] = { 0, 0, 1, 0x65, 0x88, 0x84, 0x00, 0x33 };
	size_t n = capacity < sizeof(bytes) ? capacity : sizeof(bytes);

	memcpy(data, bytes, n);
	return v4l2r_request_queue(r, index, ts, n, 0);
}

/* Decodes one picture in CAPTURE format fourcc and converts it to the
 * linear format `out` describes. Returns 0, or a negative errno with a
 * reason in why. */
static int decode_linear(const struct codec *c, bool ten_bit, uint32_t fourcc,
			 const struct v4l2r_layout *out, uint8_t *out_mem,
			 char *why, size_t why_size)
{
	struct v4l2r_session *s = open_codec(c, ten_bit);
	struct v4l2r_layout layout;
	uint8_t *mem[V4L2R_MAX_PLANES] = { 0 };
	uint8_t *dst[V4L2R_MAX_PLANES] = { out_mem, out_mem, out_mem };
	enum v4l2r_result res;
	int ret;

	if (!s) {
		snprintf(why, why_size, "cannot open a session");
		return -EIO;
	}
	ret = v4l2r_session_set_capture_format(s, fourcc, &layout);
	if (ret < 0) {
		snprintf(why, why_size, "set_capture_format: %s", strerror(-ret));
		goto out;
	}
	ret = v4l2r_session_alloc_buffers(s, 1, 1);
	if (ret == 0)
		ret = v4l2r_session_start(s);
	if (ret == 0)
		ret = queue_one(s, 0, 1000, WAIT_MS);
	if (ret < 0) {
		snprintf(why, why_size, "alloc/start/queue: %s", strerror(-ret));
		goto out;
	}
	res = v4l2r_session_wait_capture(s, 0, WAIT_MS);
	if (res != V4L2R_DONE) {
		snprintf(why, why_size, "picture %s", v4l2r_result_str(res));
		ret = -EIO;
		goto out;
	}
	ret = v4l2r_session_capture_map(s, 0, mem);
	if (ret == 0)
		ret = v4l2r_convert_to_linear(&layout, (const uint8_t *const *)mem,
					      out, dst);
	if (ret < 0)
		snprintf(why, why_size, "map/convert %s %ux%u stride %u: %s",
			 layout.desc ? layout.desc->name : "?", layout.width,
			 layout.height, layout.plane[0].stride, strerror(-ret));
out:
	v4l2r_session_close(s);
	return ret;
}

/* Where two pictures first differ, as "plane row col". */
static bool same_picture(const struct v4l2r_layout *ref, const uint8_t *a,
			 const struct v4l2r_layout *l, const uint8_t *b,
			 char *why, size_t why_size)
{
	unsigned shift = l->desc->row_num == 2 ? 1 : 0;	/* 16-bit samples */

	for (unsigned p = 0; p < 2; p++) {
		unsigned rows = p ? (HEIGHT + 1) / 2 : HEIGHT;
		unsigned cols = p ? 2 * ((WIDTH + 1) / 2) : WIDTH;

		for (unsigned y = 0; y < rows; y++)
			for (unsigned x = 0; x < cols; x++) {
				uint8_t va = a[ref->plane[p].offset + y * ref->plane[p].stride + x];
				const uint8_t *pb = b + l->plane[p].offset + y * l->plane[p].stride + (x << shift);
				bool ok = shift ? pb[1] == va && pb[0] == 0 : pb[0] == va;

				if (!ok) {
					snprintf(why, why_size,
						 "plane %u row %u sample %u: %u, the linear 8-bit picture has %u",
						 p, y, x, shift ? (pb[1] << 8 | pb[0]) : pb[0], va);
					return false;
				}
			}
	}
	return true;
}

static int cmd_layouts(const struct codec *c, const char *out_path)
{
	const struct v4l2r_format_desc *nv12 = v4l2r_format_by_v4l2(V4L2_PIX_FMT_NV12);
	struct v4l2r_layout ref_layout;
	uint8_t *ref = NULL;
	char name[64], why[160], f[8];
	bool have_ref = false;

	v4l2r_layout_linear(nv12, WIDTH, HEIGHT, &ref_layout);
	ref = calloc(1, ref_layout.mem_size[0]);
	for (int ten = 0; ten < 2; ten++) {
		snprintf(name, sizeof(name), "%s-%s-formats", c->name, ten ? "10bit" : "8bit");
		if (!codec_offered(c)) {
			report(name, 2, "the device does not decode %s", c->name);
			continue;
		}
		union v4l2r_bit_depth_payload payload;
		struct v4l2_ext_control ctrl;

		if (ten && !ten_bit_control(c, &payload, &ctrl)) {
			report(name, 2, "%s has no 10-bit profile here", c->name);
			continue;
		}
		struct v4l2r_session *s = open_codec(c, ten);
		uint32_t fourccs[16];
		int n = s ? v4l2r_session_capture_formats(s, fourccs, 16) : -EIO;

		v4l2r_session_close(s);
		snprintf(name, sizeof(name), "%s-%s-formats", c->name, ten ? "10bit" : "8bit");
		if (n <= 0) {
			report(name, 1, "no CAPTURE format: %s", n < 0 ? strerror(-n) : "none");
			continue;
		}
		unsigned tested = 0;
		for (int i = 0; i < n; i++) {
			const struct v4l2r_format_desc *d = v4l2r_format_by_v4l2(fourccs[i]);

			if (!d || (d->bit_depth == 10) != ten)
				continue;
			tested++;
			snprintf(name, sizeof(name), "%s-%s", c->name, fcc(fourccs[i], f));
			const struct v4l2r_format_desc *lin = v4l2r_format_by_v4l2(d->linear_fourcc);
			struct v4l2r_layout l;
			uint8_t *pic;

			if (!lin || v4l2r_layout_linear(lin, WIDTH, HEIGHT, &l) < 0) {
				report(name, 1, "no linear layout for %s", d->name);
				continue;
			}
			pic = calloc(1, l.mem_size[0]);
			if (decode_linear(c, ten, fourccs[i], &l, pic, why, sizeof(why)) < 0) {
				report(name, 1, "%s", why);
			} else if (!have_ref) {
				if (ten || lin->v4l2_fourcc != V4L2_PIX_FMT_NV12) {
					report(name, 2, "no linear 8-bit picture to compare with");
				} else {
					bool blank = true;

					for (uint32_t k = 0; k < l.mem_size[0] && blank; k++)
						blank = pic[k] == 0;
					memcpy(ref, pic, l.mem_size[0]);
					have_ref = !blank;
					report(name, blank, "the picture is blank");
				}
			} else {
				report(name, !same_picture(&ref_layout, ref, &l, pic, why, sizeof(why)),
				       "%s, untiled/unpacked: %s", d->name, why);
			}
			free(pic);
		}
		snprintf(name, sizeof(name), "%s-%s-formats", c->name, ten ? "10bit" : "8bit");
		if (!tested)
			report(name, ten ? 2 : 1, "none of %d offered is %s", n,
			       ten ? "10-bit" : "8-bit");
		else
			report(name, 0, NULL);
	}
	if (out_path && have_ref) {
		FILE *fp = fopen(out_path, "wb");

		if (!fp || fwrite(ref, 1, ref_layout.mem_size[0], fp) != ref_layout.mem_size[0] ||
		    fclose(fp)) {
			fprintf(stderr, "cannot write %s\n", out_path);
			failed++;
		}
	}
	free(ref);
	return 0;
}

static int cmd_faults(const struct codec *c, unsigned n, unsigned err_every,
		      unsigned hang_every)
{
	struct v4l2r_session *s = open_codec(c, false);
	struct v4l2r_layout layout;
	unsigned done = 0, errors = 0, timeouts = 0, other = 0;
	unsigned want_err = 0, want_hang = 0;
	char name[64];
	int ret;

	if (!s)
		return 1;
	ret = v4l2r_session_set_capture_format(s, 0, &layout);
	if (ret == 0)
		ret = v4l2r_session_alloc_buffers(s, 2, 3);
	if (ret == 0)
		ret = v4l2r_session_start(s);
	snprintf(name, sizeof(name), "%s-faults-setup", c->name);
	report(name, ret < 0, "%s", strerror(-ret));
	if (ret < 0) {
		v4l2r_session_close(s);
		return 1;
	}
	/* Job k (from 1) hangs when k % hang == 0, else fails when
	 * k % err == 0 (visl_pers_fault). Picture k + 1 is queued before
	 * picture k is waited for: behind a hung job, it never ran, so it is
	 * job k + 1 once queued again. */
	bool queued[3] = { false };
	for (unsigned k = 1; k <= n + 1; k++) {
		enum v4l2r_result res;
		unsigned idx = (k - 1) % 3;

		if (k <= n) {
			ret = queue_one(s, k % 3, 1000 * k, WAIT_MS);
			queued[k % 3] = ret == 0;
			if (ret < 0) {
				fprintf(stderr, "picture %u: queue: %s\n", k,
					strerror(-ret));
				other++;
			}
		}
		if (k == 1 || !queued[idx])
			continue;
		if (hang_every && (k - 1) % hang_every == 0)
			want_hang++;
		else if (err_every && (k - 1) % err_every == 0)
			want_err++;
		res = v4l2r_session_wait_capture(s, idx, 1500);
		fprintf(stderr, "picture %u: %s\n", k - 1,
			v4l2r_result_str(res));
		switch (res) {
		case V4L2R_DONE: done++; break;
		case V4L2R_DECODE_ERROR: errors++; break;
		case V4L2R_TIMEOUT: timeouts++; break;
		default: other++; break;
		}
		v4l2r_session_capture_reset(s, idx);
	}
	snprintf(name, sizeof(name), "%s-faults-counts", c->name);
	report(name, !(errors == want_err && timeouts == want_hang && other == 0 &&
		       done == n - want_err - want_hang),
	       "%u done, %u decoding errors (want %u), %u timeouts (want %u), %u other",
	       done, errors, want_err, timeouts, want_hang, other);

	/* A job left hanging, then the session closed: STREAMOFF and close
	 * end it (visl_job_abort); the caller checks the kernel log and that
	 * visl unloads. */
	if (hang_every) {
		unsigned k = n + 1;

		while (k % hang_every)	/* run jobs until the next hangs */
			k++;
		snprintf(name, sizeof(name), "%s-faults-close-hung", c->name);
		for (unsigned j = n + 1; j <= k; j++) {
			unsigned idx = j % 2;

			ret = queue_one(s, idx, 1000 * j, WAIT_MS);
			if (ret < 0)
				break;
			if (j < k) {
				v4l2r_session_wait_capture(s, idx, WAIT_MS);
				v4l2r_session_capture_reset(s, idx);
			}
		}
		if (ret < 0) {
			report(name, 1, "queue: %s", strerror(-ret));
		} else {
			enum v4l2r_result res = v4l2r_session_capture_status(s, k % 2);

			report(name, res != V4L2R_PENDING,
			       "the hung picture is %s, not pending", v4l2r_result_str(res));
		}
	}
	v4l2r_session_close(s);
	return 0;
}

static int cmd_slices(void)
{
	const struct codec *c = codec_by_name("hevc");
	struct v4l2_ctrl_hevc_slice_params sp[2];
	struct v4l2_ext_control ctrl = {
		.id = V4L2_CID_STATELESS_HEVC_SLICE_PARAMS,
		.size = sizeof(sp), .ptr = sp,
	};
	struct v4l2_query_ext_ctrl q = { .id = V4L2_CID_STATELESS_HEVC_SLICE_PARAMS };
	struct v4l2r_session *s;
	struct v4l2r_request *r;
	struct v4l2r_layout layout;
	unsigned error_idx;
	int ret;

	if (!codec_offered(c)) {
		report("hevc-two-slices", 2, "the device does not decode HEVC");
		return 0;
	}
	s = open_codec(c, false);
	if (!s)
		return 1;
	if (ioctl(v4l2r_session_video_fd(s), VIDIOC_QUERY_EXT_CTRL, &q) < 0) {
		report("hevc-two-slices", 2, "no slice-parameters control (frame-based)");
		v4l2r_session_close(s);
		return 0;
	}
	ret = v4l2r_session_set_capture_format(s, 0, &layout);
	if (ret == 0)
		ret = v4l2r_session_alloc_buffers(s, 1, 1);
	if (ret == 0)
		ret = v4l2r_request_acquire(s, WAIT_MS, &r);
	if (ret < 0) {
		report("hevc-two-slices", 1, "setup: %s", strerror(-ret));
		v4l2r_session_close(s);
		return 1;
	}
	memset(sp, 0, sizeof(sp));
	sp[0].bit_size = sp[1].bit_size = 64;
	sp[0].slice_type = sp[1].slice_type = V4L2_HEVC_SLICE_TYPE_I;
	sp[1].slice_segment_addr = 1;
	ret = v4l2r_request_set_controls(r, &ctrl, 1, &error_idx);
	v4l2r_request_release(r);
	if (q.dims[0] == 1)
		report("hevc-two-slices", ret == 0,
		       "the control holds one slice, yet two were taken");
	else
		report("hevc-two-slices", ret < 0,
		       "the control holds %u slices, two were refused: %s",
		       q.dims[0], strerror(-ret));
	printf("# slice-parameters dims[0] %u: two slices %s\n", q.dims[0],
	       ret < 0 ? "refused" : "taken");
	v4l2r_session_close(s);
	return 0;
}

static void log_to_stderr(void *opaque, enum v4l2r_log_level level, const char *msg)
{
	(void)opaque;
	fprintf(stderr, "  [log %d] %s\n", level, msg);
}

int main(int argc, char **argv)
{
	static struct v4l2r_node nodes[V4L2R_MAX_DEVICES];
	const struct codec *c = argc >= 3 ? codec_by_name(argv[2]) : NULL;

	if (argc == 2 && !strcmp(argv[1], "slices")) {
		v4l2r_log_set_handler(log_to_stderr, NULL, V4L2R_LOG_WARNING);
		if (v4l2r_discover(nodes, V4L2R_MAX_DEVICES) <= 0)
			return 1;
		node = &nodes[0];
		cmd_slices();
		printf("%u passed, %u failed, %u skipped\n", passed, failed, skipped);
		return failed ? 1 : 0;
	}
	if (!c || (strcmp(argv[1], "layouts") && strcmp(argv[1], "faults")) ||
	    (!strcmp(argv[1], "faults") && argc != 6)) {
		fprintf(stderr, "usage: visl-shapes layouts CODEC [OUT [WIDTHxHEIGHT]]\n"
				"       visl-shapes slices\n"
				"       visl-shapes faults CODEC N ERROR_EVERY HANG_EVERY\n");
		return 2;
	}
	v4l2r_log_set_handler(log_to_stderr, NULL, V4L2R_LOG_WARNING);
	int n = v4l2r_discover(nodes, V4L2R_MAX_DEVICES);

	if (n <= 0) {
		fprintf(stderr, "no stateless decoder found\n");
		return 1;
	}
	node = &nodes[0];
	if (!strcmp(argv[1], "layouts") && argc > 4 &&
	    sscanf(argv[4], "%ux%u", &WIDTH, &HEIGHT) != 2) {
		fprintf(stderr, "bad size %s\n", argv[4]);
		return 2;
	}
	if (!strcmp(argv[1], "layouts"))
		cmd_layouts(c, argc > 3 ? argv[3] : NULL);
	else
		cmd_faults(c, (unsigned)atoi(argv[3]), (unsigned)atoi(argv[4]),
			   (unsigned)atoi(argv[5]));
	printf("%u passed, %u failed, %u skipped\n", passed, failed, skipped);
	return failed ? 1 : 0;
}
