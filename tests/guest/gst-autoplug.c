/* Which video decoder playbin (or playbin3) picks for a file, and which
 * it could have picked.
 *
 *   gst-autoplug playbin|playbin3 URI
 *
 * Plays URI to the end into fakesinks and prints
 *
 *   decoder NAME RANK            every video decoder the pipeline made
 *   candidate NAME RANK          every video decoder whose sink template
 *                                takes the caps that decoder was given,
 *                                best rank first (what decodebin and
 *                                decodebin3 choose among; rank 0 ones are
 *                                never auto-plugged)
 *   frames N                     buffers that reached the video sink
 *
 * and exits 0 when the file played to EOS without an error and exactly one
 * video decoder was made, 1 otherwise. */
#include <stdio.h>
#include <string.h>

#include <gst/gst.h>

struct run {
	GMutex lock;
	GList *decoders;	/* GstElement, referenced */
	GstCaps *caps;		/* the first decoder's sink caps */
	guint64 frames;
};

/* Video decoders: not the bins and network elements that call themselves
 * decoders and take any caps (decodebin, dtlssrtpdec). */
#define VIDEO_DECODER \
	(GST_ELEMENT_FACTORY_TYPE_DECODER | GST_ELEMENT_FACTORY_TYPE_MEDIA_VIDEO)

static gboolean is_video_decoder(GstElement *element)
{
	GstElementFactory *f = gst_element_get_factory(element);

	return f && gst_element_factory_list_is_type(f, VIDEO_DECODER);
}

/* The caps are taken when they reach the decoder: by EOS, decodebin may
 * have torn parts of the chain down. */
static GstPadProbeReturn on_sink_caps(GstPad *pad, GstPadProbeInfo *info,
				      gpointer data)
{
	struct run *r = data;
	GstEvent *ev = GST_PAD_PROBE_INFO_EVENT(info);
	GstCaps *caps;

	(void)pad;
	if (GST_EVENT_TYPE(ev) != GST_EVENT_CAPS)
		return GST_PAD_PROBE_OK;
	gst_event_parse_caps(ev, &caps);
	g_mutex_lock(&r->lock);
	if (!r->caps)
		r->caps = gst_caps_ref(caps);
	g_mutex_unlock(&r->lock);
	return GST_PAD_PROBE_OK;
}

static void on_element(GstBin *bin, GstBin *sub, GstElement *element,
		       gpointer data)
{
	struct run *r = data;

	(void)bin;
	(void)sub;
	if (!is_video_decoder(element))
		return;
	GstPad *pad = gst_element_get_static_pad(element, "sink");
	if (pad) {
		gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
				  on_sink_caps, r, NULL);
		gst_object_unref(pad);
	}
	g_mutex_lock(&r->lock);
	r->decoders = g_list_append(r->decoders, gst_object_ref(element));
	g_mutex_unlock(&r->lock);
}

static void on_handoff(GstElement *sink, GstBuffer *buf, GstPad *pad,
		       gpointer data)
{
	struct run *r = data;

	(void)sink;
	(void)buf;
	(void)pad;
	r->frames++;	/* one streaming thread */
}

static const char *factory_name(GstElement *element)
{
	return GST_OBJECT_NAME(gst_element_get_factory(element));
}

static void print_candidates(GstCaps *caps)
{
	GList *all = gst_element_factory_list_get_elements(VIDEO_DECODER,
							   GST_RANK_NONE);
	/* as decodebin filters: fixed caps must be a subset of the template
	 * (video/x-vp8 without codec-alpha is not for vp8alphadecodebin) */
	GList *fit = gst_element_factory_list_filter(all, caps, GST_PAD_SINK,
						     gst_caps_is_fixed(caps));

	fit = g_list_sort(fit, gst_plugin_feature_rank_compare_func);
	for (GList *l = fit; l; l = l->next)
		printf("candidate %s %u\n", GST_OBJECT_NAME(l->data),
		       gst_plugin_feature_get_rank(l->data));
	gst_plugin_feature_list_free(fit);
	gst_plugin_feature_list_free(all);
}

int main(int argc, char **argv)
{
	struct run r = { 0 };
	gboolean ok = FALSE;

	gst_init(&argc, &argv);
	if (argc != 3 || (strcmp(argv[1], "playbin") &&
			  strcmp(argv[1], "playbin3"))) {
		fprintf(stderr, "usage: gst-autoplug playbin|playbin3 URI\n");
		return 2;
	}
	g_mutex_init(&r.lock);
	GstElement *play = gst_element_factory_make(argv[1], NULL);
	GstElement *vsink = gst_element_factory_make("fakesink", NULL);
	GstElement *asink = gst_element_factory_make("fakesink", NULL);
	if (!play || !vsink || !asink) {
		fprintf(stderr, "gst-autoplug: no %s or fakesink\n", argv[1]);
		return 2;
	}
	g_object_set(vsink, "sync", FALSE, "signal-handoffs", TRUE, NULL);
	g_object_set(asink, "sync", FALSE, NULL);
	g_signal_connect(vsink, "handoff", G_CALLBACK(on_handoff), &r);
	g_signal_connect(play, "deep-element-added", G_CALLBACK(on_element),
			 &r);
	g_object_set(play, "uri", argv[2], "video-sink", vsink, "audio-sink",
		     asink, NULL);

	gst_element_set_state(play, GST_STATE_PLAYING);
	GstBus *bus = gst_element_get_bus(play);
	GstMessage *msg = gst_bus_timed_pop_filtered(
		bus, GST_CLOCK_TIME_NONE, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
	if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR) {
		GError *err = NULL;
		gst_message_parse_error(msg, &err, NULL);
		printf("error from %s: %s\n", GST_OBJECT_NAME(msg->src),
		       err->message);
		g_clear_error(&err);
	} else {
		ok = TRUE;
	}
	gst_message_unref(msg);
	gst_element_set_state(play, GST_STATE_NULL);

	for (GList *l = r.decoders; l; l = l->next) {
		GstPluginFeature *f =
			GST_PLUGIN_FEATURE(gst_element_get_factory(l->data));
		printf("decoder %s %u\n", factory_name(l->data),
		       gst_plugin_feature_get_rank(f));
	}
	if (r.caps) {
		print_candidates(r.caps);
		gst_caps_unref(r.caps);
	}
	printf("frames %" G_GUINT64_FORMAT "\n", r.frames);
	ok = ok && g_list_length(r.decoders) == 1;
	g_list_free_full(r.decoders, gst_object_unref);
	gst_object_unref(bus);
	gst_object_unref(play);
	g_mutex_clear(&r.lock);
	return ok ? 0 : 1;
}
