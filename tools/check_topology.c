/* check, topology area: the media graph of a stateless decoder (one
 * PROC_VIDEO_DECODER entity, one sink and one source pad, data links to the
 * I/O entities, interface links to the video node) and what the video node
 * says of itself. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <linux/media.h>

#include "check_common.h"

struct topology {
	struct media_v2_topology t;
	struct media_v2_entity *entities;
	struct media_v2_interface *interfaces;
	struct media_v2_pad *pads;
	struct media_v2_link *links;
};

static void topology_free(struct topology *tp)
{
	free(tp->entities);
	free(tp->interfaces);
	free(tp->pads);
	free(tp->links);
	memset(tp, 0, sizeof(*tp));
}

/* Sizes, then fills; the graph may change in between (hot plug), so the
 * version is compared and the read retried. */
static int topology_read(int fd, struct topology *tp)
{
	for (int attempt = 0; attempt < 4; attempt++) {
		struct media_v2_topology t = { 0 };
		int ret = check_ioctl(fd, MEDIA_IOC_G_TOPOLOGY, &t);

		if (ret < 0)
			return ret;
		topology_free(tp);
		tp->entities = calloc(t.num_entities + 1, sizeof(*tp->entities));
		tp->interfaces = calloc(t.num_interfaces + 1,
					sizeof(*tp->interfaces));
		tp->pads = calloc(t.num_pads + 1, sizeof(*tp->pads));
		tp->links = calloc(t.num_links + 1, sizeof(*tp->links));
		if (!tp->entities || !tp->interfaces || !tp->pads || !tp->links)
			return -ENOMEM;
		tp->t = t;
		tp->t.ptr_entities = (uintptr_t)tp->entities;
		tp->t.ptr_interfaces = (uintptr_t)tp->interfaces;
		tp->t.ptr_pads = (uintptr_t)tp->pads;
		tp->t.ptr_links = (uintptr_t)tp->links;
		ret = check_ioctl(fd, MEDIA_IOC_G_TOPOLOGY, &tp->t);
		if (ret < 0)
			return ret;
		if (tp->t.topology_version == t.topology_version)
			return 0;
	}
	return -EAGAIN;
}

static const struct media_v2_entity *entity(const struct topology *tp,
					    uint32_t id)
{
	for (unsigned i = 0; i < tp->t.num_entities; i++)
		if (tp->entities[i].id == id)
			return &tp->entities[i];
	return NULL;
}

static const struct media_v2_pad *pad(const struct topology *tp, uint32_t id)
{
	for (unsigned i = 0; i < tp->t.num_pads; i++)
		if (tp->pads[i].id == id)
			return &tp->pads[i];
	return NULL;
}

static const struct media_v2_interface *interface(const struct topology *tp,
						  uint32_t id)
{
	for (unsigned i = 0; i < tp->t.num_interfaces; i++)
		if (tp->interfaces[i].id == id)
			return &tp->interfaces[i];
	return NULL;
}

static bool is_link(const struct media_v2_link *l, uint32_t type)
{
	return (l->flags & V4L2R_LINK_TYPE_MASK) == type;
}

/* Does I/O entity io have an interface link to the video interface with
 * this device number? */
static bool io_has_node(const struct topology *tp, uint32_t io, dev_t rdev)
{
	for (unsigned i = 0; i < tp->t.num_links; i++) {
		const struct media_v2_link *l = &tp->links[i];
		const struct media_v2_interface *intf;

		if (!is_link(l, MEDIA_LNK_FL_INTERFACE_LINK) || l->sink_id != io)
			continue;
		intf = interface(tp, l->source_id);
		if (intf && intf->intf_type == MEDIA_INTF_T_V4L_VIDEO &&
		    makedev(intf->devnode.major, intf->devnode.minor) == rdev)
			return true;
	}
	return false;
}

/* The I/O entity at the far end of the decoder pad's data link (source
 * side when the decoder pad is a sink, and the other way round), 0 when
 * there is none; *enabled tells whether that link is enabled. */
static uint32_t linked_io(const struct topology *tp,
			  const struct media_v2_pad *p, bool *enabled)
{
	bool sink = p->flags & MEDIA_PAD_FL_SINK;

	for (unsigned i = 0; i < tp->t.num_links; i++) {
		const struct media_v2_link *l = &tp->links[i];
		const struct media_v2_pad *other;
		const struct media_v2_entity *e;

		if (!is_link(l, MEDIA_LNK_FL_DATA_LINK))
			continue;
		if ((sink ? l->sink_id : l->source_id) != p->id)
			continue;
		other = pad(tp, sink ? l->source_id : l->sink_id);
		e = other ? entity(tp, other->entity_id) : NULL;
		if (e && e->function == MEDIA_ENT_F_IO_V4L) {
			*enabled = l->flags & MEDIA_LNK_FL_ENABLED;
			return e->id;
		}
	}
	return 0;
}

/* The decoder entity whose I/O entities lead to the video node, else the
 * first decoder entity, else NULL. */
static const struct media_v2_entity *find_decoder(const struct topology *tp,
						  dev_t rdev)
{
	const struct media_v2_entity *first = NULL;

	for (unsigned i = 0; i < tp->t.num_entities; i++) {
		const struct media_v2_entity *e = &tp->entities[i];

		if (e->function != MEDIA_ENT_F_PROC_VIDEO_DECODER)
			continue;
		if (!first)
			first = e;
		for (unsigned j = 0; j < tp->t.num_pads; j++) {
			bool enabled;
			uint32_t io;

			if (tp->pads[j].entity_id != e->id)
				continue;
			io = linked_io(tp, &tp->pads[j], &enabled);
			if (io && io_has_node(tp, io, rdev))
				return e;
		}
	}
	return first;
}

static void check_graph(struct check_ctx *c, int media_fd, dev_t rdev)
{
	struct topology tp = { 0 };
	const struct media_v2_entity *dec;
	const struct media_v2_pad *sink = NULL, *source = NULL;
	unsigned n_sink = 0, n_source = 0;
	uint32_t io_in = 0, io_out = 0;
	bool in_enabled = false, out_enabled = false;
	int ret = topology_read(media_fd, &tp);

	if (ret < 0) {
		check_report(c, "decoder-entity", CHECK_FAIL,
			     "MEDIA_IOC_G_TOPOLOGY: %s", strerror(-ret));
		topology_free(&tp);
		return;
	}
	dec = find_decoder(&tp, rdev);
	if (!dec) {
		check_report(c, "decoder-entity", CHECK_FAIL,
			     "no entity with function MEDIA_ENT_F_PROC_VIDEO_DECODER among %u",
			     tp.t.num_entities);
		topology_free(&tp);
		return;
	}
	check_report(c, "decoder-entity", CHECK_OK, NULL);

	for (unsigned i = 0; i < tp.t.num_pads; i++) {
		const struct media_v2_pad *p = &tp.pads[i];

		if (p->entity_id != dec->id)
			continue;
		if (p->flags & MEDIA_PAD_FL_SINK) {
			n_sink++;
			sink = p;
		} else if (p->flags & MEDIA_PAD_FL_SOURCE) {
			n_source++;
			source = p;
		}
	}
	if (n_sink == 1 && n_source == 1)
		check_report(c, "decoder-pads", CHECK_OK, NULL);
	else
		check_report(c, "decoder-pads", CHECK_FAIL,
			     "entity '%s' has %u sink and %u source pads, want one of each",
			     dec->name, n_sink, n_source);

	if (sink)
		io_in = linked_io(&tp, sink, &in_enabled);
	if (source)
		io_out = linked_io(&tp, source, &out_enabled);
	if (!io_in || !io_out)
		check_report(c, "decoder-links", CHECK_FAIL,
			     "no data link from an I/O entity to the %s pad",
			     !io_in ? "sink" : "source");
	else if (!in_enabled || !out_enabled)
		check_report(c, "decoder-links", CHECK_FAIL,
			     "the data link of the %s pad is not enabled",
			     !in_enabled ? "sink" : "source");
	else
		check_report(c, "decoder-links", CHECK_OK, NULL);

	if (!io_in || !io_out)
		check_report(c, "video-interface", CHECK_SKIP,
			     "no I/O entities to follow");
	else if (!io_has_node(&tp, io_in, rdev) || !io_has_node(&tp, io_out, rdev))
		check_report(c, "video-interface", CHECK_FAIL,
			     "the %s I/O entity has no interface link to a V4L video interface %u:%u (%s)",
			     !io_has_node(&tp, io_in, rdev) ? "bitstream" : "picture",
			     major(rdev), minor(rdev), c->node.video_path);
	else
		check_report(c, "video-interface", CHECK_OK, NULL);
	topology_free(&tp);
}

static void check_querycap(struct check_ctx *c, int fd)
{
	struct v4l2_capability cap = { 0 };
	uint32_t caps;
	int ret = check_ioctl(fd, VIDIOC_QUERYCAP, &cap);

	if (ret < 0) {
		check_report(c, "querycap", CHECK_FAIL, "VIDIOC_QUERYCAP: %s",
			     strerror(-ret));
		return;
	}
	if (!(cap.capabilities & V4L2_CAP_DEVICE_CAPS)) {
		check_report(c, "querycap", CHECK_FAIL,
			     "capabilities lack V4L2_CAP_DEVICE_CAPS");
		return;
	}
	caps = cap.device_caps;
	if (!(caps & (V4L2_CAP_VIDEO_M2M | V4L2_CAP_VIDEO_M2M_MPLANE)))
		check_report(c, "querycap", CHECK_FAIL,
			     "device_caps 0x%08x lack V4L2_CAP_VIDEO_M2M(_MPLANE)",
			     caps);
	else if (!(caps & V4L2_CAP_STREAMING))
		check_report(c, "querycap", CHECK_FAIL,
			     "device_caps 0x%08x lack V4L2_CAP_STREAMING", caps);
	else if ((cap.capabilities & caps) != caps)
		check_report(c, "querycap", CHECK_FAIL,
			     "device_caps 0x%08x not a subset of capabilities 0x%08x",
			     caps, cap.capabilities);
	else
		check_report(c, "querycap", CHECK_OK, NULL);
}

void check_topology(struct check_ctx *c)
{
	struct media_device_info info = { 0 };
	struct stat st;
	int video_fd, media_fd, ret;

	check_area(c, "topology");
	video_fd = check_open_video(c);
	if (video_fd < 0) {
		check_report(c, "video-node", CHECK_FAIL, "cannot open %s: %s",
			     c->node.video_path, strerror(-video_fd));
		return;
	}
	if (fstat(video_fd, &st) < 0 || !S_ISCHR(st.st_mode)) {
		check_report(c, "video-node", CHECK_FAIL,
			     "%s is not a character device", c->node.video_path);
		close(video_fd);
		return;
	}
	check_report(c, "video-node", CHECK_OK, NULL);

	media_fd = check_open_media(c);
	if (media_fd < 0) {
		if (!c->node.media_path[0])
			check_report(c, "media-device", CHECK_FAIL,
				     "no media device has %s as a decoder: media requests are impossible (give -m)",
				     c->node.video_path);
		else
			check_report(c, "media-device", CHECK_FAIL,
				     "cannot open %s: %s", c->node.media_path,
				     strerror(-media_fd));
	} else {
		ret = check_ioctl(media_fd, MEDIA_IOC_DEVICE_INFO, &info);
		if (ret < 0)
			check_report(c, "media-device", CHECK_FAIL,
				     "MEDIA_IOC_DEVICE_INFO on %s: %s",
				     c->node.media_path, strerror(-ret));
		else
			check_report(c, "media-device", CHECK_OK, NULL);
		if (ret == 0)
			check_graph(c, media_fd, st.st_rdev);
		close(media_fd);
	}
	check_querycap(c, video_fd);
	close(video_fd);
}
