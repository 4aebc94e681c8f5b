/* Seeks and flushes through a decoding pipeline, as a player does.
 *
 *   gst-seek SEEKS 'PIPELINE'
 *
 * PIPELINE (gst-launch syntax) ends in an element named "sink". The
 * program plays it, and each time a few buffers reached the sink (or the
 * stream ended) it seeks (flushing, to a key unit) to a position between
 * the start and the middle of the stream, SEEKS times in all; then it
 * plays to the end. It prints
 * one line per seek and a summary, and exits 0 when the pipeline reached
 * EOS with no error, every seek was followed by the key picture at or
 * before the position asked for, then pictures in presentation order (none
 * left from before the flush), the stream's last buffers came out (so the
 * decoder still had picture buffers and requests: a leak per seek runs it
 * dry within a few seeks), and the decoder's file descriptors (video and
 * media nodes, requests, DMABUFs), seen open while it played, are all
 * closed once the pipeline is gone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gst/gst.h>

/* A key-unit seek lands on the key picture whose decode time is at or
 * before the target; its presentation time is later by the stream's
 * reordering delay (B pictures: 2 or 3 frames of these 25 fps streams). A
 * later first picture means a GOP was lost. */
#define REORDER_TOLERANCE (4 * GST_SECOND / 25)

struct run {
	GstElement *pipeline;
	GMainLoop *loop;
	gint64 duration;
	unsigned seeks_left, seeks_done;
	unsigned buffers_since_seek;
	GstClockTime seek_target;
	gboolean flushing;	/* a seek asked, its flush not yet at the sink */
	gboolean seeking;	/* flushed, waiting for the first buffer */
	GstClockTime last_pts;
	gboolean failed;
	guint64 buffers;
	unsigned fds_peak;	/* decoder fds seen open while playing */
};

static GstPadProbeReturn on_buffer(GstPad *pad, GstPadProbeInfo *info,
				   gpointer data)
{
	struct run *r = data;
	GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER(info);
	GstClockTime pts = GST_BUFFER_PTS(buf);

	(void)pad;
	r->buffers++;
	r->buffers_since_seek++;
	if (!GST_CLOCK_TIME_IS_VALID(pts))
		return GST_PAD_PROBE_OK;
	if (r->seeking) {
		r->seeking = FALSE;
		gboolean late = pts > r->seek_target + REORDER_TOLERANCE;
		printf("seek %u to %" GST_TIME_FORMAT ": first buffer %"
		       GST_TIME_FORMAT "%s\n", r->seeks_done,
		       GST_TIME_ARGS(r->seek_target), GST_TIME_ARGS(pts),
		       late ? ", after the target" : "");
		r->failed |= late;
	} else if (pts < r->last_pts) {
		/* (equal ones happen: MP4s remuxed from raw H.264 repeat a
		 * timestamp, for v4l2codecs and software decoders alike) */
		printf("seek %u: buffer %" GST_TIME_FORMAT " after %"
		       GST_TIME_FORMAT ": out of order\n", r->seeks_done,
		       GST_TIME_ARGS(pts), GST_TIME_ARGS(r->last_pts));
		r->failed = TRUE;
	}
	r->last_pts = pts;
	return GST_PAD_PROBE_OK;
}

/* Buffers of the old position may still reach the sink between the seek
 * call and its flush: the seek counts from the flush's end. */
static GstPadProbeReturn on_flush_stop(GstPad *pad, GstPadProbeInfo *info,
				       gpointer data)
{
	struct run *r = data;

	(void)pad;
	if (GST_EVENT_TYPE(GST_PAD_PROBE_INFO_EVENT(info)) == GST_EVENT_FLUSH_STOP &&
	    r->flushing) {
		r->flushing = FALSE;
		r->seeking = TRUE;
	}
	return GST_PAD_PROBE_OK;
}

/* The open file descriptors of a decoder's: its nodes, media requests
 * (anonymous "request" inodes) and DMABUFs; their targets into *names. */
static unsigned decoder_fds(GString *names)
{
	static const char *const kinds[] = { "/dev/video", "/dev/media",
					     "anon_inode:request", "dmabuf" };
	GDir *dir = g_dir_open("/proc/self/fd", 0, NULL);
	const gchar *fd;
	unsigned n = 0;

	while (dir && (fd = g_dir_read_name(dir))) {
		gchar *link = g_build_filename("/proc/self/fd", fd, NULL);
		gchar *target = g_file_read_link(link, NULL);

		for (unsigned i = 0; target && i < G_N_ELEMENTS(kinds); i++) {
			if (strstr(target, kinds[i])) {
				g_string_append_printf(names, " %s", target);
				n++;
				break;
			}
		}
		g_free(target);
		g_free(link);
	}
	if (dir)
		g_dir_close(dir);
	return n;
}

/* While playing: the decoder's fds must be seen, or their absence at the
 * end would prove nothing. */
static gboolean sample_fds(gpointer data)
{
	struct run *r = data;
	GString *names = g_string_new(NULL);
	unsigned n = decoder_fds(names);

	g_string_free(names, TRUE);
	r->fds_peak = MAX(r->fds_peak, n);
	return G_SOURCE_CONTINUE;
}

static gboolean seek(struct run *r);

static gboolean do_seek(gpointer data)
{
	struct run *r = data;

	if (!r->seeks_left)
		return G_SOURCE_REMOVE;
	if (r->seeking || r->flushing || r->buffers_since_seek < 3)
		return G_SOURCE_CONTINUE;
	return seek(r);
}

static gboolean seek(struct run *r)
{
	/* positions spread over the first half, none twice in a row */
	r->seek_target = (GstClockTime)(r->duration / 2) *
			 ((r->seeks_done * 7) % 10) / 10;
	r->seeks_left--;
	r->seeks_done++;
	r->buffers_since_seek = 0;
	r->flushing = TRUE;
	if (!gst_element_seek_simple(r->pipeline, GST_FORMAT_TIME,
				     GST_SEEK_FLAG_FLUSH |
					     GST_SEEK_FLAG_KEY_UNIT,
				     (gint64)r->seek_target)) {
		printf("seek %u: refused\n", r->seeks_done);
		r->failed = TRUE;
		g_main_loop_quit(r->loop);
	}
	return r->seeks_left ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static gboolean on_message(GstBus *bus, GstMessage *msg, gpointer data)
{
	struct run *r = data;
	GError *err = NULL;
	gchar *debug = NULL;

	(void)bus;
	switch (GST_MESSAGE_TYPE(msg)) {
	case GST_MESSAGE_ERROR:
		gst_message_parse_error(msg, &err, &debug);
		printf("error from %s: %s (%s)\n", GST_OBJECT_NAME(msg->src),
		       err->message, debug ? debug : "");
		g_clear_error(&err);
		g_free(debug);
		r->failed = TRUE;
		g_main_loop_quit(r->loop);
		break;
	case GST_MESSAGE_WARNING:
		gst_message_parse_warning(msg, &err, &debug);
		printf("warning from %s: %s (%s)\n", GST_OBJECT_NAME(msg->src),
		       err->message, debug ? debug : "");
		g_clear_error(&err);
		g_free(debug);
		r->failed = TRUE;
		break;
	case GST_MESSAGE_EOS:
		/* a short stream ends before every seek is done: seek from
		 * the end (a flushing seek leaves EOS behind) */
		if (r->seeks_left && !r->failed)
			seek(r);
		else
			g_main_loop_quit(r->loop);
		break;
	default:
		break;
	}
	return TRUE;
}

int main(int argc, char **argv)
{
	struct run r = { 0 };
	GError *err = NULL;

	gst_init(&argc, &argv);
	if (argc != 3 || atoi(argv[1]) <= 0) {
		fprintf(stderr, "usage: gst-seek SEEKS 'PIPELINE ... name=sink'\n");
		return 2;
	}
	r.seeks_left = (unsigned)atoi(argv[1]);
	GString *fds_before = g_string_new(NULL);
	unsigned open_before = decoder_fds(fds_before);
	r.pipeline = gst_parse_launch(argv[2], &err);
	if (!r.pipeline) {
		fprintf(stderr, "gst-seek: %s\n", err->message);
		return 2;
	}
	GstElement *sink = gst_bin_get_by_name(GST_BIN(r.pipeline), "sink");
	if (!sink) {
		fprintf(stderr, "gst-seek: no element named sink\n");
		return 2;
	}
	GstPad *pad = gst_element_get_static_pad(sink, "sink");
	gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, on_buffer, &r, NULL);
	gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_EVENT_FLUSH, on_flush_stop,
			  &r, NULL);
	gst_object_unref(pad);
	r.loop = g_main_loop_new(NULL, FALSE);
	GstBus *bus = gst_element_get_bus(r.pipeline);
	gst_bus_add_watch(bus, on_message, &r);
	gst_element_set_state(r.pipeline, GST_STATE_PAUSED);
	if (gst_element_get_state(r.pipeline, NULL, NULL, 60 * GST_SECOND) ==
		    GST_STATE_CHANGE_FAILURE ||
	    !gst_element_query_duration(r.pipeline, GST_FORMAT_TIME,
					&r.duration) || r.duration <= 0) {
		printf("the pipeline does not preroll or has no duration\n");
		return 1;
	}
	g_timeout_add(20, do_seek, &r);
	guint sampler = g_timeout_add(20, sample_fds, &r);
	gst_element_set_state(r.pipeline, GST_STATE_PLAYING);
	g_main_loop_run(r.loop);
	g_source_remove(sampler);
	gst_element_set_state(r.pipeline, GST_STATE_NULL);
	gst_object_unref(bus);
	gst_object_unref(sink);
	gst_object_unref(r.pipeline);
	g_main_loop_unref(r.loop);
	gboolean to_end = r.last_pts != 0 &&
			  r.last_pts + GST_SECOND / 2 >= (GstClockTime)r.duration;
	GString *fds_after = g_string_new(NULL);
	unsigned open_after = decoder_fds(fds_after);
	gboolean fds_ok = open_after <= open_before &&
			      r.fds_peak > open_before;
	printf("gst-seek: %u seeks, %" G_GUINT64_FORMAT " buffers, last at %"
	       GST_TIME_FORMAT " of %" GST_TIME_FORMAT ", decoder fds %u, "
	       "up to %u playing, %u after%s%s%s%s\n",
	       r.seeks_done, r.buffers, GST_TIME_ARGS(r.last_pts),
	       GST_TIME_ARGS(r.duration), open_before, r.fds_peak, open_after,
	       open_after > open_before ? ": left open:" :
	       r.fds_peak <= open_before ? ": none seen while playing" : "",
	       open_after > open_before ? fds_after->str : "",
	       to_end ? "" : ", the end never came out",
	       r.failed ? ", with errors or warnings" : "");
	g_string_free(fds_before, TRUE);
	g_string_free(fds_after, TRUE);
	return !r.failed && to_end && fds_ok && r.seeks_done &&
			       !r.seeks_left ? 0 : 1;
}
