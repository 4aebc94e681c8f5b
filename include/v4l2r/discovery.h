/* Finding stateless decoders: media controller topology walk. */
#ifndef V4L2R_DISCOVERY_H
#define V4L2R_DISCOVERY_H

#include <stdint.h>

#define V4L2R_MAX_DEVICES 16
#define V4L2R_PATH_MAX 256

/* The link type bits of media_v2_link.flags: <linux/media.h>'s
 * MEDIA_LNK_FL_LINK_TYPE is (0xf << 28), a signed shift into the sign bit
 * (undefined behaviour), so mask with this one instead. */
#define V4L2R_LINK_TYPE_MASK 0xf0000000u

struct v4l2r_node {
	char media_path[V4L2R_PATH_MAX];	/* "" when not known */
	char video_path[V4L2R_PATH_MAX];
	char driver[32];	/* media_device_info.driver */
	char model[64];		/* media_device_info.model */
	char bus_info[64];
};

/* Fills nodes[] with every decoder found, honouring the environment
 * overrides LIBVA_V4L2_REQUEST_VIDEO_PATH / LIBVA_V4L2_REQUEST_MEDIA_PATH.
 * Returns the number found (0 when none), or a negative errno when an
 * override names a node that cannot be used. */
int v4l2r_discover(struct v4l2r_node *nodes, unsigned max);

/* Same, scanning media nodes under dev_dir ("/dev") and ignoring the
 * environment. */
int v4l2r_discover_in(const char *dev_dir, struct v4l2r_node *nodes,
		      unsigned max);

/* The decoder whose video node is at video (a symlink too: kept as
 * spelled), with the media device that has it as a stateless decoder,
 * found by scanning /dev: requests need it. Returns 0; -ENODEV when video
 * is not a character device or no media device has it as a decoder (node
 * then names video alone); or a negative errno when it cannot be opened.
 * Ignores the environment overrides. */
int v4l2r_discover_video(const char *video, struct v4l2r_node *node);

struct media_v2_topology;

/* Pure part of the walk, for a topology already read: finds the first
 * entity with function MEDIA_ENT_F_PROC_VIDEO_DECODER after entity
 * index *cursor, follows its pad links to the I/O entities and their
 * interface links to a V4L video interface. Returns 0 and its device
 * number, -ENOENT when no further decoder exists, or -ENODEV when a decoder
 * has no video interface (*cursor still advances). */
int v4l2r_topology_next_decoder(const struct media_v2_topology *topo,
				unsigned *cursor, uint32_t *major,
				uint32_t *minor, uint32_t *entity_id);

/* "/dev/videoN" for a character device number, from sysfs. */
int v4l2r_devnode_path(uint32_t major, uint32_t minor, char *path,
		       unsigned size);

#endif
