/* The media topology walk on synthetic topologies, and the environment
 * overrides on nodes that cannot be decoders. */
#include "config.h"

#include <check.h>

#include "unit.h"
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/media.h>

#include "v4l2r/discovery.h"

/* Object ids carry their kind in the top byte, as the kernel's do. */
enum { GOBJ_ENTITY, GOBJ_PAD, GOBJ_LINK, GOBJ_INTF };

#define VIDEO_MAJOR 81

struct builder {
	struct media_v2_entity entities[16];
	struct media_v2_interface interfaces[8];
	struct media_v2_pad pads[32];
	struct media_v2_link links[32];
	struct media_v2_topology topo;
	uint32_t next_id;
};

static uint32_t new_id(struct builder *b, uint32_t kind)
{
	return kind << 24 | ++b->next_id;
}

static uint32_t add_entity(struct builder *b, uint32_t function)
{
	struct media_v2_entity *e = &b->entities[b->topo.num_entities++];

	e->id = new_id(b, GOBJ_ENTITY);
	e->function = function;
	return e->id;
}

static uint32_t add_pad(struct builder *b, uint32_t entity_id, uint32_t flags)
{
	struct media_v2_pad *p = &b->pads[b->topo.num_pads++];

	p->id = new_id(b, GOBJ_PAD);
	p->entity_id = entity_id;
	p->flags = flags;
	return p->id;
}

static uint32_t add_interface(struct builder *b, uint32_t type,
			      uint32_t minor)
{
	struct media_v2_interface *i = &b->interfaces[b->topo.num_interfaces++];

	i->id = new_id(b, GOBJ_INTF);
	i->intf_type = type;
	i->devnode.major = VIDEO_MAJOR;
	i->devnode.minor = minor;
	return i->id;
}

static void add_link(struct builder *b, uint32_t source, uint32_t sink,
		     uint32_t type)
{
	struct media_v2_link *l = &b->links[b->topo.num_links++];

	l->id = new_id(b, GOBJ_LINK);
	l->source_id = source;
	l->sink_id = sink;
	l->flags = type | MEDIA_LNK_FL_ENABLED | MEDIA_LNK_FL_IMMUTABLE;
}

enum m2m_variant {
	M2M_KERNEL,		/* as v4l2_m2m_register_media_controller() */
	M2M_REVERSED,		/* every link's ends swapped */
	M2M_NO_INTERFACE,
	M2M_SUBDEV_INTERFACE,	/* the interface is not a video node */
};

/* source I/O entity -> processing entity -> sink I/O entity, the I/O
 * entities linked to one video interface. Returns the processing entity. */
static uint32_t add_m2m(struct builder *b, uint32_t function, uint32_t minor,
			enum m2m_variant variant)
{
	bool rev = variant == M2M_REVERSED;
	uint32_t src = add_entity(b, MEDIA_ENT_F_IO_V4L);
	uint32_t proc = add_entity(b, function);
	uint32_t sink = add_entity(b, MEDIA_ENT_F_IO_V4L);
	uint32_t src_out = add_pad(b, src, MEDIA_PAD_FL_SOURCE);
	uint32_t proc_in = add_pad(b, proc, MEDIA_PAD_FL_SINK);
	uint32_t proc_out = add_pad(b, proc, MEDIA_PAD_FL_SOURCE);
	uint32_t sink_in = add_pad(b, sink, MEDIA_PAD_FL_SINK);
	uint32_t intf;

	add_link(b, rev ? proc_in : src_out, rev ? src_out : proc_in,
		 MEDIA_LNK_FL_DATA_LINK);
	add_link(b, rev ? sink_in : proc_out, rev ? proc_out : sink_in,
		 MEDIA_LNK_FL_DATA_LINK);
	if (variant == M2M_NO_INTERFACE)
		return proc;
	intf = add_interface(b, variant == M2M_SUBDEV_INTERFACE ?
					MEDIA_INTF_T_V4L_SUBDEV :
					MEDIA_INTF_T_V4L_VIDEO,
			     minor);
	add_link(b, rev ? src : intf, rev ? intf : src,
		 MEDIA_LNK_FL_INTERFACE_LINK);
	add_link(b, rev ? sink : intf, rev ? intf : sink,
		 MEDIA_LNK_FL_INTERFACE_LINK);
	return proc;
}

static const struct media_v2_topology *topology(struct builder *b)
{
	b->topo.ptr_entities = (uintptr_t)b->entities;
	b->topo.ptr_interfaces = (uintptr_t)b->interfaces;
	b->topo.ptr_pads = (uintptr_t)b->pads;
	b->topo.ptr_links = (uintptr_t)b->links;
	return &b->topo;
}

static struct builder *new_builder(void)
{
	struct builder *b = calloc(1, sizeof(*b));

	ck_assert_ptr_nonnull(b);
	return b;
}

START_TEST(test_m2m_decoder)
{
	struct builder *b = new_builder();
	uint32_t proc = add_m2m(b, MEDIA_ENT_F_PROC_VIDEO_DECODER, 3,
				M2M_KERNEL);
	const struct media_v2_topology *t = topology(b);
	uint32_t major = 0, minor = 0, entity = 0;
	unsigned cursor = 0;

	ck_assert_int_eq(v4l2r_topology_next_decoder(t, &cursor, &major,
						     &minor, &entity), 0);
	ck_assert_uint_eq(major, VIDEO_MAJOR);
	ck_assert_uint_eq(minor, 3);
	ck_assert_uint_eq(entity, proc);
	ck_assert_int_eq(v4l2r_topology_next_decoder(t, &cursor, &major,
						     &minor, &entity),
			 -ENOENT);
	free(b);
}
END_TEST

START_TEST(test_reversed_links)
{
	struct builder *b = new_builder();
	uint32_t major = 0, minor = 0, entity = 0;
	unsigned cursor = 0;

	add_m2m(b, MEDIA_ENT_F_PROC_VIDEO_DECODER, 5, M2M_REVERSED);
	ck_assert_int_eq(v4l2r_topology_next_decoder(topology(b), &cursor,
						     &major, &minor, &entity),
			 0);
	ck_assert_uint_eq(minor, 5);
	free(b);
}
END_TEST

START_TEST(test_encoder_only)
{
	struct builder *b = new_builder();
	uint32_t major, minor, entity;
	unsigned cursor = 0;

	add_m2m(b, MEDIA_ENT_F_PROC_VIDEO_ENCODER, 0, M2M_KERNEL);
	ck_assert_int_eq(v4l2r_topology_next_decoder(topology(b), &cursor,
						     &major, &minor, &entity),
			 -ENOENT);
	free(b);
}
END_TEST

START_TEST(test_empty_topology)
{
	struct builder *b = new_builder();
	uint32_t major, minor, entity;
	unsigned cursor = 0;

	ck_assert_int_eq(v4l2r_topology_next_decoder(topology(b), &cursor,
						     &major, &minor, &entity),
			 -ENOENT);
	free(b);
}
END_TEST

static void check_no_video_interface(enum m2m_variant variant)
{
	struct builder *b = new_builder();
	uint32_t proc = add_m2m(b, MEDIA_ENT_F_PROC_VIDEO_DECODER, 0, variant);
	const struct media_v2_topology *t = topology(b);
	uint32_t major, minor, entity = 0;
	unsigned cursor = 0;

	ck_assert_int_eq(v4l2r_topology_next_decoder(t, &cursor, &major,
						     &minor, &entity),
			 -ENODEV);
	ck_assert_uint_eq(entity, proc);
	/* the cursor moved past it, so the walk ends */
	ck_assert_uint_eq(cursor, 2);
	ck_assert_int_eq(v4l2r_topology_next_decoder(t, &cursor, &major,
						     &minor, &entity),
			 -ENOENT);
	free(b);
}

START_TEST(test_decoder_without_interface)
{
	check_no_video_interface(M2M_NO_INTERFACE);
}
END_TEST

START_TEST(test_decoder_with_subdev_interface)
{
	check_no_video_interface(M2M_SUBDEV_INTERFACE);
}
END_TEST

START_TEST(test_two_decoders)
{
	struct builder *b = new_builder();
	uint32_t first, second;
	const struct media_v2_topology *t;
	uint32_t major, minor = 0, entity = 0;
	unsigned cursor = 0;

	add_m2m(b, MEDIA_ENT_F_PROC_VIDEO_ENCODER, 0, M2M_KERNEL);
	first = add_m2m(b, MEDIA_ENT_F_PROC_VIDEO_DECODER, 1, M2M_KERNEL);
	second = add_m2m(b, MEDIA_ENT_F_PROC_VIDEO_DECODER, 2, M2M_REVERSED);
	t = topology(b);

	ck_assert_int_eq(v4l2r_topology_next_decoder(t, &cursor, &major,
						     &minor, &entity), 0);
	ck_assert_uint_eq(minor, 1);
	ck_assert_uint_eq(entity, first);
	ck_assert_int_eq(v4l2r_topology_next_decoder(t, &cursor, &major,
						     &minor, &entity), 0);
	ck_assert_uint_eq(minor, 2);
	ck_assert_uint_eq(entity, second);
	ck_assert_int_eq(v4l2r_topology_next_decoder(t, &cursor, &major,
						     &minor, &entity),
			 -ENOENT);
	free(b);
}
END_TEST

/* The video interface of another device must not be taken for the
 * decoder's own when the decoder has none. */
START_TEST(test_interface_of_other_entity)
{
	struct builder *b = new_builder();
	uint32_t major, minor, entity;
	unsigned cursor = 0;

	add_m2m(b, MEDIA_ENT_F_PROC_VIDEO_ENCODER, 7, M2M_KERNEL);
	add_m2m(b, MEDIA_ENT_F_PROC_VIDEO_DECODER, 0, M2M_NO_INTERFACE);
	ck_assert_int_eq(v4l2r_topology_next_decoder(topology(b), &cursor,
						     &major, &minor, &entity),
			 -ENODEV);
	free(b);
}
END_TEST

START_TEST(test_discover_in_empty_dir)
{
	char dir[] = "/tmp/v4l2r-discovery-XXXXXX";
	struct v4l2r_node nodes[2];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(v4l2r_discover_in(dir, nodes, 2), 0);
	rmdir(dir);
}
END_TEST

static void clear_overrides(void)
{
	unsetenv("LIBVA_V4L2_REQUEST_VIDEO_PATH");
	unsetenv("LIBVA_V4L2_REQUEST_MEDIA_PATH");
}

START_TEST(test_override_missing_video)
{
	struct v4l2r_node node;

	clear_overrides();
	setenv("LIBVA_V4L2_REQUEST_VIDEO_PATH", "/nonexistent/video99", 1);
	ck_assert_int_eq(v4l2r_discover(&node, 1), -ENOENT);
}
END_TEST

START_TEST(test_override_missing_media)
{
	struct v4l2r_node node;

	clear_overrides();
	setenv("LIBVA_V4L2_REQUEST_MEDIA_PATH", "/nonexistent/media99", 1);
	ck_assert_int_eq(v4l2r_discover(&node, 1), -ENOENT);
}
END_TEST

START_TEST(test_override_path_too_long)
{
	char path[V4L2R_PATH_MAX + 8];
	struct v4l2r_node node;

	memset(path, 'v', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	clear_overrides();
	setenv("LIBVA_V4L2_REQUEST_MEDIA_PATH", path, 1);
	ck_assert_int_eq(v4l2r_discover(&node, 1), -ENAMETOOLONG);
}
END_TEST

START_TEST(test_override_video_not_a_device)
{
	char path[] = "/tmp/v4l2r-video-XXXXXX";
	struct v4l2r_node node;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
	clear_overrides();
	setenv("LIBVA_V4L2_REQUEST_VIDEO_PATH", path, 1);
	ck_assert_int_eq(v4l2r_discover(&node, 1), -ENODEV);
	unlink(path);
}
END_TEST

/* A character device that no media topology names: usable without
 * requests, so it is returned with no media node. */
START_TEST(test_override_video_without_media)
{
	struct v4l2r_node node;

	clear_overrides();
	setenv("LIBVA_V4L2_REQUEST_VIDEO_PATH", "/dev/null", 1);
	ck_assert_int_eq(v4l2r_discover(&node, 1), 1);
	ck_assert_str_eq(node.video_path, "/dev/null");
	ck_assert_str_eq(node.media_path, "");
}
END_TEST

START_TEST(test_override_media_not_a_media_device)
{
	struct v4l2r_node node;

	clear_overrides();
	setenv("LIBVA_V4L2_REQUEST_VIDEO_PATH", "/dev/null", 1);
	setenv("LIBVA_V4L2_REQUEST_MEDIA_PATH", "/dev/null", 1);
	ck_assert_int_eq(v4l2r_discover(&node, 1), -ENOTTY);
	unsetenv("LIBVA_V4L2_REQUEST_VIDEO_PATH");
	ck_assert_int_eq(v4l2r_discover(&node, 1), -ENOTTY);
}
END_TEST

/* A named video node (the plugin's device property): what is not a
 * decoder some media device lists is refused, whatever the overrides. */
START_TEST(test_video_node_not_a_decoder)
{
	char path[] = "/tmp/v4l2r-video-XXXXXX";
	struct v4l2r_node node;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
	clear_overrides();
	ck_assert_int_eq(v4l2r_discover_video("/nonexistent/video99", &node),
			 -ENOENT);
	ck_assert_int_eq(v4l2r_discover_video(path, &node), -ENODEV);
	ck_assert_str_eq(node.video_path, path);
	ck_assert_str_eq(node.media_path, "");
	/* a character device no media topology names */
	setenv("LIBVA_V4L2_REQUEST_MEDIA_PATH", "/dev/null", 1);
	ck_assert_int_eq(v4l2r_discover_video("/dev/null", &node), -ENODEV);
	ck_assert_str_eq(node.video_path, "/dev/null");
	ck_assert_str_eq(node.media_path, "");
	clear_overrides();
	unlink(path);
}
END_TEST

static Suite *discovery_suite(void)
{
	Suite *s = suite_create("discovery");
	TCase *walk = tcase_create("topology walk");
	TCase *env = tcase_create("overrides");

	tcase_add_test(walk, test_m2m_decoder);
	tcase_add_test(walk, test_reversed_links);
	tcase_add_test(walk, test_encoder_only);
	tcase_add_test(walk, test_empty_topology);
	tcase_add_test(walk, test_decoder_without_interface);
	tcase_add_test(walk, test_decoder_with_subdev_interface);
	tcase_add_test(walk, test_two_decoders);
	tcase_add_test(walk, test_interface_of_other_entity);
	suite_add_tcase(s, walk);

	tcase_add_test(env, test_discover_in_empty_dir);
	tcase_add_test(env, test_override_missing_video);
	tcase_add_test(env, test_override_missing_media);
	tcase_add_test(env, test_override_path_too_long);
	tcase_add_test(env, test_override_video_not_a_device);
	tcase_add_test(env, test_override_video_without_media);
	tcase_add_test(env, test_override_media_not_a_media_device);
	tcase_add_test(env, test_video_node_not_a_decoder);
	suite_add_tcase(s, env);
	return s;
}

int main(void)
{
	return unit_run(discovery_suite());
}
