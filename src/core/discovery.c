/* Finding stateless decoders through the media controller. A mem2mem
 * decoder shows up as a PROC_VIDEO_DECODER entity linked by data links to
 * two IO_V4L entities (bitstream in, pictures out); both carry an interface
 * link to the one V4L video interface that is the /dev/videoN node. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <linux/media.h>

#include "v4l2r/discovery.h"
#include "v4l2r/log.h"

#define VIDEO_PATH_ENV "LIBVA_V4L2_REQUEST_VIDEO_PATH"
#define MEDIA_PATH_ENV "LIBVA_V4L2_REQUEST_MEDIA_PATH"

/* Media nodes looked at in one scan; more than any real system has. */
#define MAX_MEDIA_NODES 64

/* The topology can change between the sizing and the filling call (hot
 * plug); retry a few times rather than return a torn picture. */
#define TOPOLOGY_ATTEMPTS 4

/* ---- pure topology walk ---- */

static const struct media_v2_entity *
entity_by_id(const struct media_v2_topology *topo, uint32_t id)
{
	const struct media_v2_entity *e =
		(const void *)(uintptr_t)topo->ptr_entities;

	for (unsigned i = 0; i < topo->num_entities; i++)
		if (e[i].id == id)
			return &e[i];
	return NULL;
}

static const struct media_v2_pad *pad_by_id(const struct media_v2_topology *topo,
					    uint32_t id)
{
	const struct media_v2_pad *p = (const void *)(uintptr_t)topo->ptr_pads;

	for (unsigned i = 0; i < topo->num_pads; i++)
		if (p[i].id == id)
			return &p[i];
	return NULL;
}

static const struct media_v2_interface *
interface_by_id(const struct media_v2_topology *topo, uint32_t id)
{
	const struct media_v2_interface *intf =
		(const void *)(uintptr_t)topo->ptr_interfaces;

	for (unsigned i = 0; i < topo->num_interfaces; i++)
		if (intf[i].id == id)
			return &intf[i];
	return NULL;
}

static const struct media_v2_link *links_of(const struct media_v2_topology *topo)
{
	return (const void *)(uintptr_t)topo->ptr_links;
}

static uint32_t link_type(const struct media_v2_link *link)
{
	return link->flags & V4L2R_LINK_TYPE_MASK;
}

/* The kernel puts the interface at the source end of an interface link;
 * accept either end so that no assumption about direction is needed. */
static int io_entity_video_interface(const struct media_v2_topology *topo,
				     uint32_t io_id, uint32_t *major,
				     uint32_t *minor)
{
	const struct media_v2_link *links = links_of(topo);

	for (unsigned i = 0; i < topo->num_links; i++) {
		const struct media_v2_interface *intf;
		uint32_t other;

		if (link_type(&links[i]) != MEDIA_LNK_FL_INTERFACE_LINK)
			continue;
		if (links[i].sink_id == io_id)
			other = links[i].source_id;
		else if (links[i].source_id == io_id)
			other = links[i].sink_id;
		else
			continue;
		intf = interface_by_id(topo, other);
		if (intf && intf->intf_type == MEDIA_INTF_T_V4L_VIDEO) {
			*major = intf->devnode.major;
			*minor = intf->devnode.minor;
			return 0;
		}
	}
	return -ENODEV;
}

static int decoder_video_interface(const struct media_v2_topology *topo,
				   uint32_t decoder_id, uint32_t *major,
				   uint32_t *minor)
{
	const struct media_v2_link *links = links_of(topo);

	for (unsigned i = 0; i < topo->num_links; i++) {
		const struct media_v2_pad *src, *sink, *peer;
		const struct media_v2_entity *io;

		if (link_type(&links[i]) != MEDIA_LNK_FL_DATA_LINK)
			continue;
		src = pad_by_id(topo, links[i].source_id);
		sink = pad_by_id(topo, links[i].sink_id);
		if (!src || !sink)
			continue;
		if (src->entity_id == decoder_id)
			peer = sink;
		else if (sink->entity_id == decoder_id)
			peer = src;
		else
			continue;
		io = entity_by_id(topo, peer->entity_id);
		if (!io || io->function != MEDIA_ENT_F_IO_V4L)
			continue;
		if (io_entity_video_interface(topo, io->id, major, minor) == 0)
			return 0;
	}
	return -ENODEV;
}

int v4l2r_topology_next_decoder(const struct media_v2_topology *topo,
				unsigned *cursor, uint32_t *major,
				uint32_t *minor, uint32_t *entity_id)
{
	const struct media_v2_entity *e =
		(const void *)(uintptr_t)topo->ptr_entities;

	while (*cursor < topo->num_entities) {
		const struct media_v2_entity *cand = &e[(*cursor)++];

		if (cand->function != MEDIA_ENT_F_PROC_VIDEO_DECODER)
			continue;
		*entity_id = cand->id;
		return decoder_video_interface(topo, cand->id, major, minor);
	}
	return -ENOENT;
}

/* ---- device access ---- */

static int devnode_path_in(const char *dev_dir, uint32_t major,
			   uint32_t minor, char *path, unsigned size)
{
	char uevent[64], line[256];
	FILE *f;
	int ret = -ENOENT;

	snprintf(uevent, sizeof(uevent), "/sys/dev/char/%u:%u/uevent", major,
		 minor);
	f = fopen(uevent, "re");
	if (!f) {
		ret = -errno;
		v4l2r_dbg("discovery: cannot read %s: %s", uevent,
			  strerror(errno));
		return ret;
	}
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "DEVNAME=", 8) != 0)
			continue;
		line[strcspn(line, "\n")] = '\0';
		if ((unsigned)snprintf(path, size, "%s/%s", dev_dir, line + 8) >=
		    size)
			ret = -ENAMETOOLONG;
		else
			ret = 0;
		break;
	}
	fclose(f);
	return ret;
}

int v4l2r_devnode_path(uint32_t major, uint32_t minor, char *path,
		       unsigned size)
{
	return devnode_path_in("/dev", major, minor, path, size);
}

static void free_topology(struct media_v2_topology *topo)
{
	free((void *)(uintptr_t)topo->ptr_entities);
	free((void *)(uintptr_t)topo->ptr_interfaces);
	free((void *)(uintptr_t)topo->ptr_pads);
	free((void *)(uintptr_t)topo->ptr_links);
	memset(topo, 0, sizeof(*topo));
}

static int alloc_topology_arrays(struct media_v2_topology *topo)
{
	/* calloc(0) may return NULL, which the kernel reads as "sizes only" */
	void *e = calloc(topo->num_entities + 1, sizeof(struct media_v2_entity));
	void *i = calloc(topo->num_interfaces + 1,
			 sizeof(struct media_v2_interface));
	void *p = calloc(topo->num_pads + 1, sizeof(struct media_v2_pad));
	void *l = calloc(topo->num_links + 1, sizeof(struct media_v2_link));

	topo->ptr_entities = (uintptr_t)e;
	topo->ptr_interfaces = (uintptr_t)i;
	topo->ptr_pads = (uintptr_t)p;
	topo->ptr_links = (uintptr_t)l;
	if (!e || !i || !p || !l) {
		free_topology(topo);
		return -ENOMEM;
	}
	return 0;
}

/* MEDIA_IOC_G_TOPOLOGY twice: once for the sizes, once for the arrays. */
static int read_topology(int media_fd, struct media_v2_topology *topo)
{
	for (int attempt = 0; attempt < TOPOLOGY_ATTEMPTS; attempt++) {
		uint64_t version;
		int ret;

		memset(topo, 0, sizeof(*topo));
		if (ioctl(media_fd, MEDIA_IOC_G_TOPOLOGY, topo) < 0)
			return -errno;
		version = topo->topology_version;
		ret = alloc_topology_arrays(topo);
		if (ret)
			return ret;
		ret = ioctl(media_fd, MEDIA_IOC_G_TOPOLOGY, topo) < 0 ? -errno : 0;
		if (ret == 0 && topo->topology_version == version)
			return 0;
		free_topology(topo);
		/* ENOSPC: it grew between the calls */
		if (ret != 0 && ret != -ENOSPC)
			return ret;
	}
	return -EAGAIN;
}

static void copy_str(char *dst, size_t size, const char *src, size_t src_size)
{
	size_t n = strnlen(src, src_size);

	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static int read_device_info(int media_fd, const char *media_path,
			    struct v4l2r_node *node)
{
	struct media_device_info info;

	memset(&info, 0, sizeof(info));
	if (ioctl(media_fd, MEDIA_IOC_DEVICE_INFO, &info) < 0)
		return -errno;
	copy_str(node->media_path, sizeof(node->media_path), media_path,
		 strlen(media_path) + 1);
	copy_str(node->driver, sizeof(node->driver), info.driver,
		 sizeof(info.driver));
	copy_str(node->model, sizeof(node->model), info.model,
		 sizeof(info.model));
	copy_str(node->bus_info, sizeof(node->bus_info), info.bus_info,
		 sizeof(info.bus_info));
	return 0;
}

/* Appends the decoders of one open media device to nodes[]; with a non-zero
 * only_rdev, just the decoder whose video node has that device number.
 * Returns how many were added, or a negative errno when the device cannot
 * be read. */
static int scan_media(int media_fd, const char *media_path,
		      const char *dev_dir, dev_t only_rdev,
		      struct v4l2r_node *nodes, unsigned max)
{
	struct media_v2_topology topo;
	struct v4l2r_node info;
	unsigned cursor = 0, n = 0;
	uint32_t major, minor, entity_id;
	int ret;

	memset(&info, 0, sizeof(info));
	ret = read_device_info(media_fd, media_path, &info);
	if (ret == 0)
		ret = read_topology(media_fd, &topo);
	if (ret) {
		v4l2r_dbg("discovery: %s: cannot read the media topology: %s",
			  media_path, strerror(-ret));
		return ret;
	}
	while (n < max &&
	       (ret = v4l2r_topology_next_decoder(&topo, &cursor, &major,
						  &minor, &entity_id)) !=
		       -ENOENT) {
		if (ret == -ENODEV) {
			v4l2r_warn("discovery: %s: decoder entity %u has no video interface",
				   media_path, entity_id);
			continue;
		}
		if (only_rdev && makedev(major, minor) != only_rdev)
			continue;
		nodes[n] = info;
		ret = devnode_path_in(dev_dir, major, minor,
				      nodes[n].video_path,
				      sizeof(nodes[n].video_path));
		if (ret) {
			v4l2r_warn("discovery: %s: no device node found for video interface %u:%u: %s",
				   media_path, major, minor, strerror(-ret));
			continue;
		}
		v4l2r_dbg("discovery: %s: decoder %s (%s)", media_path,
			  nodes[n].video_path, info.model);
		n++;
	}
	free_topology(&topo);
	return n;
}

static int compare_unsigned(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

	return (x > y) - (x < y);
}

/* The N of every "mediaN" in dev_dir, in numeric order (media10 after
 * media2). */
static unsigned list_media_nodes(const char *dev_dir, unsigned *index,
				 unsigned max)
{
	DIR *dir = opendir(dev_dir);
	struct dirent *de;
	unsigned n = 0;

	if (!dir) {
		v4l2r_dbg("discovery: cannot list %s: %s", dev_dir,
			  strerror(errno));
		return 0;
	}
	while (n < max && (de = readdir(dir))) {
		char *end;
		unsigned long num;

		if (strncmp(de->d_name, "media", 5) != 0 || !de->d_name[5])
			continue;
		num = strtoul(de->d_name + 5, &end, 10);
		if (*end == '\0')
			index[n++] = num;
	}
	closedir(dir);
	qsort(index, n, sizeof(*index), compare_unsigned);
	return n;
}

static int scan_dev_dir(const char *dev_dir, dev_t only_rdev,
			struct v4l2r_node *nodes, unsigned max)
{
	unsigned index[MAX_MEDIA_NODES];
	unsigned count = list_media_nodes(dev_dir, index, MAX_MEDIA_NODES);
	unsigned n = 0;

	for (unsigned i = 0; i < count && n < max; i++) {
		char path[V4L2R_PATH_MAX];
		int fd, ret;

		snprintf(path, sizeof(path), "%s/media%u", dev_dir, index[i]);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			v4l2r_dbg("discovery: skipping %s: %s", path,
				  strerror(errno));
			continue;
		}
		ret = scan_media(fd, path, dev_dir, only_rdev, nodes + n,
				 max - n);
		close(fd);
		if (ret > 0)
			n += ret;
	}
	return n;
}

int v4l2r_discover_in(const char *dev_dir, struct v4l2r_node *nodes,
		      unsigned max)
{
	return scan_dev_dir(dev_dir, 0, nodes, max);
}

/* Opens an override path for reading and writing, as a session will. */
static int open_override(const char *env, const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		int ret = -errno;

		v4l2r_err("%s=%s cannot be opened: %s", env, path,
			  strerror(errno));
		return ret;
	}
	return fd;
}

static int discover_video_and_media(const char *video, const char *media,
				    struct v4l2r_node *node)
{
	int video_fd, media_fd, ret;

	video_fd = open_override(VIDEO_PATH_ENV, video);
	if (video_fd < 0)
		return video_fd;
	close(video_fd);
	media_fd = open_override(MEDIA_PATH_ENV, media);
	if (media_fd < 0)
		return media_fd;
	memset(node, 0, sizeof(*node));
	ret = read_device_info(media_fd, media, node);
	close(media_fd);
	if (ret) {
		v4l2r_err("%s=%s is not a media device: %s", MEDIA_PATH_ENV,
			  media, strerror(-ret));
		return ret;
	}
	strcpy(node->video_path, video);
	return 1;
}

/* The device number of a character device, opened for reading and
 * writing as a session will: -ENODEV when it is something else. */
static int char_device(const char *path, dev_t *rdev)
{
	struct stat st;
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	int ret = fstat(fd, &st) < 0 ? -errno : 0;
	close(fd);
	if (ret == 0 && !S_ISCHR(st.st_mode))
		ret = -ENODEV;
	*rdev = st.st_rdev;
	return ret;
}

int v4l2r_discover_video(const char *video, struct v4l2r_node *node)
{
	dev_t rdev = 0;
	int ret;

	memset(node, 0, sizeof(*node));
	if (strlen(video) >= sizeof(node->video_path))
		return -ENAMETOOLONG;
	ret = char_device(video, &rdev);
	if (ret == 0 && scan_dev_dir("/dev", rdev, node, 1) == 0)
		ret = -ENODEV;
	if (ret)
		memset(node, 0, sizeof(*node));
	/* the caller's spelling of the path, which may be a stable symlink */
	strcpy(node->video_path, video);
	return ret;
}

static int discover_video(const char *video, struct v4l2r_node *node)
{
	dev_t rdev = 0;
	int ret = char_device(video, &rdev);

	if (ret == -ENODEV) {
		v4l2r_err("%s=%s is not a video device: %s", VIDEO_PATH_ENV,
			  video, strerror(-ret));
		return ret;
	}
	if (ret) {
		v4l2r_err("%s=%s cannot be opened: %s", VIDEO_PATH_ENV, video,
			  strerror(-ret));
		return ret;
	}
	if (scan_dev_dir("/dev", rdev, node, 1) == 0) {
		memset(node, 0, sizeof(*node));
		v4l2r_warn("%s=%s: no media device has it as a decoder; media requests are impossible (set %s too)",
			   VIDEO_PATH_ENV, video, MEDIA_PATH_ENV);
	}
	strcpy(node->video_path, video);
	return 1;
}

static int discover_media(const char *media, struct v4l2r_node *nodes,
			  unsigned max)
{
	int fd, ret;

	fd = open_override(MEDIA_PATH_ENV, media);
	if (fd < 0)
		return fd;
	ret = scan_media(fd, media, "/dev", 0, nodes, max);
	close(fd);
	if (ret < 0) {
		v4l2r_err("%s=%s is not a usable media device: %s",
			  MEDIA_PATH_ENV, media, strerror(-ret));
		return ret;
	}
	if (ret == 0) {
		v4l2r_err("%s=%s has no stateless decoder", MEDIA_PATH_ENV,
			  media);
		return -ENODEV;
	}
	return ret;
}

/* An override's value, NULL when unset or empty; *ret set to
 * -ENAMETOOLONG when it cannot fit in a node. */
static const char *env_path(const char *name, int *ret)
{
	const char *value = getenv(name);

	if (!value || !*value)
		return NULL;
	if (strlen(value) >= V4L2R_PATH_MAX) {
		v4l2r_err("%s is longer than %d characters", name,
			  V4L2R_PATH_MAX - 1);
		*ret = -ENAMETOOLONG;
	}
	return value;
}

int v4l2r_discover(struct v4l2r_node *nodes, unsigned max)
{
	int ret = 0;
	const char *video = env_path(VIDEO_PATH_ENV, &ret);
	const char *media = env_path(MEDIA_PATH_ENV, &ret);

	if (ret || max == 0)
		return ret;
	if (video && media)
		return discover_video_and_media(video, media, nodes);
	if (video)
		return discover_video(video, nodes);
	if (media)
		return discover_media(media, nodes, max);
	return v4l2r_discover_in("/dev", nodes, max);
}
