/* Guest test of the core request path on a real kernel (visl): one line per
 * case, a summary line, non-zero exit on any failure.
 *
 * Note: visl runs a job inside the ioctl that makes it runnable, so its
 * visl_transtime_ms cannot make a device that fails to answer; a capture
 * buffer held with V4L2_BUF_FLAG_M2M_HOLD_CAPTURE_BUF and never released
 * does, and is how the timeout path is tested. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/videodev2.h>

#include "v4l2r/discovery.h"
#include "v4l2r/log.h"
#include "v4l2r/session.h"

#define WIDTH 320
#define HEIGHT 240
#define WAIT_MS 5000

static unsigned passed, failed;

static void report(const char *name, bool ok, const char *fmt, ...)
{
	printf("test %s: %s", name, ok ? "OK" : "FAIL");
	if (!ok && fmt) {
		va_list ap;
		printf(" (");
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		printf(")");
	}
	printf("\n");
	fflush(stdout);
	if (ok)
		passed++;
	else
		failed++;
}

/* Valid MPEG-2 controls for an intra-coded progressive frame. */
struct mpeg2_controls {
	struct v4l2_ctrl_mpeg2_sequence seq;
	struct v4l2_ctrl_mpeg2_picture pic;
	struct v4l2_ctrl_mpeg2_quantisation quant;
	struct v4l2_ext_control ctrl[3];
};

static void mpeg2_controls_init(struct mpeg2_controls *m)
{
	memset(m, 0, sizeof(*m));
	m->seq.horizontal_size = WIDTH;
	m->seq.vertical_size = HEIGHT;
	m->seq.vbv_buffer_size = 112 * 16 * 1024;
	m->seq.profile_and_level_indication = 0x48;	/* Main@Main */
	m->seq.chroma_format = 1;			/* 4:2:0 */
	m->seq.flags = V4L2_MPEG2_SEQ_FLAG_PROGRESSIVE;
	m->pic.picture_coding_type = V4L2_MPEG2_PIC_CODING_TYPE_I;
	memset(m->pic.f_code, 0xf, sizeof(m->pic.f_code));
	m->pic.picture_structure = V4L2_MPEG2_PIC_FRAME;
	m->pic.flags = V4L2_MPEG2_PIC_FLAG_FRAME_PRED_DCT |
		       V4L2_MPEG2_PIC_FLAG_PROGRESSIVE;
	for (unsigned i = 0; i < 64; i++) {
		m->quant.intra_quantiser_matrix[i] = i ? 16 + i / 4 : 8;
		m->quant.non_intra_quantiser_matrix[i] = 16;
		m->quant.chroma_intra_quantiser_matrix[i] = i ? 16 + i / 4 : 8;
		m->quant.chroma_non_intra_quantiser_matrix[i] = 16;
	}
	m->ctrl[0] = (struct v4l2_ext_control){
		.id = V4L2_CID_STATELESS_MPEG2_SEQUENCE,
		.size = sizeof(m->seq), .ptr = &m->seq };
	m->ctrl[1] = (struct v4l2_ext_control){
		.id = V4L2_CID_STATELESS_MPEG2_PICTURE,
		.size = sizeof(m->pic), .ptr = &m->pic };
	m->ctrl[2] = (struct v4l2_ext_control){
		.id = V4L2_CID_STATELESS_MPEG2_QUANTISATION,
		.size = sizeof(m->quant), .ptr = &m->quant };
}

/* A picture start code, a picture header and one slice: visl does not parse
 * it, but a real decoder would see a well-formed picture. */
static size_t write_bitstream(uint8_t *data, size_t capacity)
{
	static const uint8_t picture[] = {
		0x00, 0x00, 0x01, 0x00, 0x00, 0x0f, 0xff, 0xf8,
		0x00, 0x00, 0x01, 0x01, 0x12, 0x34, 0x56, 0x78,
	};
	size_t n = sizeof(picture) < capacity ? sizeof(picture) : capacity;

	memcpy(data, picture, n);
	return n;
}

static struct v4l2r_session *open_session(const struct v4l2r_node *node,
					  unsigned n_capture)
{
	struct v4l2r_session *s;
	struct v4l2r_layout layout;

	if (v4l2r_session_open(node, &s) < 0)
		return NULL;
	if (v4l2r_session_set_output_format(s, V4L2_PIX_FMT_MPEG2_SLICE, WIDTH,
					    HEIGHT, 256 * 1024) < 0 ||
	    v4l2r_session_set_capture_format(s, 0, &layout) < 0 ||
	    v4l2r_session_alloc_buffers(s, 4, n_capture) < 0 ||
	    v4l2r_session_start(s) < 0) {
		v4l2r_session_close(s);
		return NULL;
	}
	return s;
}

/* Queues one intra picture into capture index; 0 or a negative errno. */
static int queue_picture(struct v4l2r_session *s, unsigned index,
			 uint64_t timestamp, struct mpeg2_controls *m,
			 unsigned flags, unsigned *error_idx)
{
	struct v4l2r_request *r;
	size_t capacity;
	int ret = v4l2r_request_acquire(s, WAIT_MS, &r);

	if (ret < 0)
		return ret;
	uint8_t *data = v4l2r_request_data(r, &capacity);
	size_t bytes = write_bitstream(data, capacity);
	ret = v4l2r_request_set_controls(r, m->ctrl, 3, error_idx);
	if (ret < 0) {
		v4l2r_request_release(r);
		return ret;
	}
	return v4l2r_request_queue(r, index, timestamp, bytes, flags);
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static void test_round_trip(const struct v4l2r_node *node)
{
	struct mpeg2_controls m;
	uint8_t *mem[V4L2R_MAX_PLANES];
	struct v4l2r_session *s = open_session(node, 4);

	if (!s) {
		report("mpeg2-round-trip", false, "session setup failed");
		return;
	}
	mpeg2_controls_init(&m);
	v4l2r_session_capture_map(s, 0, mem);
	memset(mem[0], 0, 4096);
	int ret = queue_picture(s, 0, 1000, &m, 0, NULL);
	enum v4l2r_result res = ret ? V4L2R_REFUSED :
			v4l2r_session_wait_capture(s, 0, WAIT_MS);
	report("mpeg2-round-trip", res == V4L2R_DONE, "queue %d, result %s",
	       ret, v4l2r_result_str(res));
	/* visl writes a test pattern: the buffer must have been touched. */
	report("capture-written", res == V4L2R_DONE && !all_zero(mem[0], 4096),
	       "capture buffer still blank");

	/* More pictures than request slots: the pool must recycle them. */
	bool ok = true;
	for (unsigned i = 0; i < 12 && ok; i++) {
		unsigned idx = i % v4l2r_session_capture_count(s);
		ok = queue_picture(s, idx, 2000 + i * 1000, &m, 0, NULL) == 0 &&
		     v4l2r_session_wait_capture(s, idx, WAIT_MS) == V4L2R_DONE;
	}
	report("request-reuse", ok, "a recycled request failed");

	/* Four in flight before waiting for any. */
	ok = true;
	for (unsigned i = 0; i < 4 && ok; i++)
		ok = queue_picture(s, i, 100000 + i * 1000, &m, 0, NULL) == 0;
	for (unsigned i = 0; i < 4 && ok; i++)
		ok = v4l2r_session_wait_capture(s, i, WAIT_MS) == V4L2R_DONE;
	report("four-in-flight", ok, "pipelined requests failed");

	/* Formats cannot change under allocated buffers. */
	ret = v4l2r_session_set_output_format(s, V4L2_PIX_FMT_MPEG2_SLICE, 64,
					      64, 0);
	report("format-locked-with-buffers", ret == -EBUSY, "got %d", ret);

	/* A DMABUF export carries the same bytes as the CPU mapping. */
	int fds[V4L2R_MAX_PLANES];
	struct v4l2r_layout layout;
	ret = v4l2r_session_capture_export(s, 0, fds);
	v4l2r_session_capture_layout(s, &layout);
	ok = ret == 0 && fds[0] >= 0;
	if (ok) {
		size_t len = layout.mem_size[0];
		uint8_t *p = mmap(NULL, len, PROT_READ, MAP_SHARED, fds[0], 0);
		ok = p != MAP_FAILED && memcmp(p, mem[0], len) == 0;
		if (p != MAP_FAILED)
			munmap(p, len);
		for (unsigned i = 0; i < V4L2R_MAX_PLANES; i++)
			if (fds[i] >= 0)
				close(fds[i]);
	}
	report("dmabuf-export", ok, "export %d", ret);
	v4l2r_session_close(s);
}

static void test_invalid_control(const struct v4l2r_node *node)
{
	struct mpeg2_controls m;
	unsigned error_idx = 99;
	struct v4l2r_session *s = open_session(node, 2);

	if (!s) {
		report("invalid-control-refused", false, "session setup failed");
		return;
	}
	mpeg2_controls_init(&m);
	m.pic.picture_structure = 0;	/* not a valid picture structure */
	int ret = queue_picture(s, 0, 1000, &m, 0, &error_idx);
	report("invalid-control-refused", ret == -EINVAL && error_idx == 1,
	       "got %d, error index %u (want -EINVAL at 1)", ret, error_idx);

	mpeg2_controls_init(&m);
	ret = queue_picture(s, 0, 2000, &m, 0, NULL);
	enum v4l2r_result res = ret ? V4L2R_REFUSED :
			v4l2r_session_wait_capture(s, 0, WAIT_MS);
	report("usable-after-refusal", res == V4L2R_DONE, "result %s",
	       v4l2r_result_str(res));

	/* A capture buffer the device holds forever (hold flag, no further
	 * slice) is a picture that never completes: the wait times out, the
	 * session recovers, and decoding goes on. */
	ret = queue_picture(s, 0, 5000, &m, V4L2R_QUEUE_HOLD_CAPTURE, NULL);
	res = ret ? V4L2R_REFUSED : v4l2r_session_wait_capture(s, 0, 300);
	report("timeout-reported", res == V4L2R_TIMEOUT, "queue %d, result %s",
	       ret, v4l2r_result_str(res));
	ret = queue_picture(s, 1, 6000, &m, 0, NULL);
	res = ret ? V4L2R_REFUSED : v4l2r_session_wait_capture(s, 1, WAIT_MS);
	report("recovered-after-timeout", res == V4L2R_DONE, "result %s",
	       v4l2r_result_str(res));
	v4l2r_session_close(s);
}

static void test_two_sessions(const struct v4l2r_node *node)
{
	struct mpeg2_controls m;
	struct v4l2r_session *a = open_session(node, 2);
	struct v4l2r_session *b = open_session(node, 2);
	bool ok = a && b;

	mpeg2_controls_init(&m);
	for (unsigned i = 0; i < 3 && ok; i++) {
		ok = queue_picture(a, i % 2, 1000 + i * 1000, &m, 0, NULL) == 0 &&
		     queue_picture(b, i % 2, 1000 + i * 1000, &m, 0, NULL) == 0 &&
		     v4l2r_session_wait_capture(a, i % 2, WAIT_MS) == V4L2R_DONE &&
		     v4l2r_session_wait_capture(b, i % 2, WAIT_MS) == V4L2R_DONE;
	}
	report("two-sessions", ok, "%s", a && b ? "a decode failed" :
						"second session failed to open");
	v4l2r_session_close(a);
	v4l2r_session_close(b);
}

static void quiet_log(void *opaque, enum v4l2r_log_level level,
		      const char *msg)
{
	(void)opaque;
	fprintf(stderr, "  [log %d] %s\n", level, msg);
}

int main(int argc, char **argv)
{
	struct v4l2r_node nodes[V4L2R_MAX_DEVICES];
	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: core-requests\n");
		return 2;
	}
	v4l2r_log_set_handler(quiet_log, NULL, V4L2R_LOG_WARNING);

	int n = v4l2r_discover(nodes, V4L2R_MAX_DEVICES);
	const struct v4l2r_node *node = NULL;
	for (int i = 0; i < n; i++)
		if (!strcmp(nodes[i].driver, "visl"))
			node = &nodes[i];
	report("discover-visl", node != NULL, "%d decoder(s), none is visl", n);
	if (!node)
		return 1;

	test_round_trip(node);
	test_invalid_control(node);
	test_two_sessions(node);
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
