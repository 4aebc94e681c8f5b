/* The plugin: one element per stateless decoder found and codec it
 * decodes, registered from what the device reports. */
#include "config.h"

#include <fcntl.h>
#include <unistd.h>

#include <gst/gst.h>

#include "codecs.h"
#include "decoder.h"
#include "v4l2r/log.h"

/* Above v4l2codecs' elements (PRIMARY + 1) and the software decoders
 * (PRIMARY), so that playbin and decodebin3 take ours on a board: they
 * keep going past a broken frame and keep more pictures in flight. */
#define RANK (GST_RANK_PRIMARY + 2)

static const struct {
	enum v4l2r_codec codec;
	const char *name;
	GType (*get_type)(void);
} elements[] = {
	{ V4L2R_CODEC_MPEG2, "mpeg2", gst_v4l2r_mpeg2_dec_get_type },
	{ V4L2R_CODEC_H264, "h264", gst_v4l2r_h264_dec_get_type },
	{ V4L2R_CODEC_HEVC, "hevc", gst_v4l2r_h265_dec_get_type },
	{ V4L2R_CODEC_VP8, "vp8", gst_v4l2r_vp8_dec_get_type },
	{ V4L2R_CODEC_VP9, "vp9", gst_v4l2r_vp9_dec_get_type },
#ifdef V4L2_CID_STATELESS_AV1_SEQUENCE
	{ V4L2R_CODEC_AV1, "av1", gst_v4l2r_av1_dec_get_type },
#endif
};

static void log_to_gst(void *opaque, enum v4l2r_log_level level,
		       const char *message)
{
	static const GstDebugLevel levels[] = {
		[V4L2R_LOG_ERROR] = GST_LEVEL_ERROR,
		[V4L2R_LOG_WARNING] = GST_LEVEL_WARNING,
		[V4L2R_LOG_INFO] = GST_LEVEL_INFO,
		[V4L2R_LOG_DEBUG] = GST_LEVEL_DEBUG,
	};
	(void)opaque;
	GST_CAT_LEVEL_LOG(gst_v4l2r_debug, levels[level], NULL, "%s", message);
}

/* Registers the elements of one decoder; the first decoder's elements
 * have the plain names, the others' carry their video node's name. */
static void register_device(GstPlugin *plugin, const struct v4l2r_node *node,
			    gboolean first)
{
	struct v4l2r_device_caps caps;
	int fd = open(node->video_path, O_RDWR | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return;
	int ret = v4l2r_probe(fd, &caps);
	close(fd);
	if (ret < 0)
		return;
	gchar *base = g_path_get_basename(node->video_path);
	for (guint i = 0; i < G_N_ELEMENTS(elements); i++) {
		const struct v4l2r_codec_caps *cc = &caps.codec[elements[i].codec];
		if (!cc->usable) {
			if (cc->present)
				GST_WARNING("%s: no %s element: %s",
					    node->video_path, elements[i].name,
					    cc->problem);
			continue;
		}
		/* Lives as long as the type, i.e. the process. */
		struct gst_v4l2r_device_codec *dev = g_new0(
			struct gst_v4l2r_device_codec, 1);
		dev->node = *node;
		dev->desc = v4l2r_codec_get(elements[i].codec);
		dev->caps = *cc;
		gchar *name = g_strdup_printf("v4l2request%s%sdec",
					      first ? "" : base,
					      elements[i].name);
		if (!gst_v4l2r_decoder_register(plugin, elements[i].get_type(),
						name, RANK, dev))
			GST_WARNING("cannot register %s", name);
		g_free(name);
	}
	g_free(base);
}

static gboolean plugin_init(GstPlugin *plugin)
{
	static const gchar *env[] = { "LIBVA_V4L2_REQUEST_VIDEO_PATH",
				      "LIBVA_V4L2_REQUEST_MEDIA_PATH", NULL };
	static const gchar *paths[] = { "/dev", NULL };
	static const gchar *names[] = { "media", NULL };
	struct v4l2r_node nodes[V4L2R_MAX_DEVICES];

	GST_DEBUG_CATEGORY_INIT(gst_v4l2r_debug, "v4l2request", 0,
				"V4L2 request API stateless decoders");
	v4l2r_log_set_handler(log_to_gst, NULL, V4L2R_LOG_DEBUG);
	/* The registry scans again when decoders come and go. */
	gst_plugin_add_dependency(plugin, env, paths, names,
				  GST_PLUGIN_DEPENDENCY_FLAG_FILE_NAME_IS_PREFIX);
	int n = v4l2r_discover(nodes, V4L2R_MAX_DEVICES);
	for (int i = 0; i < n; i++)
		register_device(plugin, &nodes[i], i == 0);
	return TRUE;
}

GST_PLUGIN_DEFINE(GST_VERSION_MAJOR, GST_VERSION_MINOR, v4l2request,
		  "Stateless video decoders through the V4L2 request API",
		  /* the project has not chosen its licence yet
		   * (debian/copyright) */
		  plugin_init, VERSION, "unknown", PACKAGE_NAME,
		  "https://example.invalid/v4l2-request")
