/* list: every stateless decoder found and what it can do, as text or
 * JSON. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "v4l2r/discovery.h"
#include "v4l2r/probe.h"

#include "json.h"
#include "names.h"
#include "tool.h"

struct decoder {
	struct v4l2r_node node;
	struct v4l2r_device_caps caps;
	int error;	/* negative errno when it could not be probed */
};

static int probe_decoder(struct decoder *d)
{
	int fd = open(d->node.video_path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -errno;
	ret = v4l2r_probe(fd, &d->caps);
	close(fd);
	return ret;
}

/* The name of menu value v, or its number. */
static const char *value_name(tool_value_name_fn *name_of,
			      const struct v4l2r_codec_desc *desc, unsigned v,
			      char buf[16])
{
	const char *name = name_of(desc, v);

	if (name)
		return name;
	snprintf(buf, 16, "%u", v);
	return buf;
}

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

/* ---- text ---- */

static void print_menu(const char *label, uint64_t values, int32_t def,
		       tool_value_name_fn *name_of,
		       const struct v4l2r_codec_desc *desc)
{
	const char *sep = "";
	char buf[16];

	printf("    %-16s ", label);
	for (unsigned v = 0; v < 64; v++) {
		if (!(values & (UINT64_C(1) << v)))
			continue;
		printf("%s%s", sep, value_name(name_of, desc, v, buf));
		sep = ", ";
	}
	if (def >= 0)
		printf(" (default %s)", value_name(name_of, desc, def, buf));
	putchar('\n');
}

static void print_sizes(const struct v4l2r_size_range *r)
{
	printf("    %-16s %ux%u to %ux%u", "frame sizes:", r->min_width,
	       r->min_height, r->max_width, r->max_height);
	if (r->step_width || r->step_height)
		printf(", steps %ux%u", r->step_width, r->step_height);
	else
		printf(" (discrete)");
	putchar('\n');
}

static void print_codec(const struct v4l2r_codec_desc *desc,
			const struct v4l2r_codec_caps *cc, bool hold_capture)
{
	const char *limitation;
	char name[8];

	printf("  %s (%s): ", desc->name,
	       v4l2r_fourcc_str(desc->coded_fourcc, name));
	if (cc->usable)
		printf("usable\n");
	else
		printf("not usable: %s\n", cc->problem);
	limitation = cc->usable ?
		v4l2r_codec_caps_limitation(desc, hold_capture, cc) : NULL;
	if (limitation)
		printf("    %-16s %s\n", "note:", limitation);
	if (cc->n_capture) {
		printf("    %-16s", "capture formats:");
		for (unsigned i = 0; i < cc->n_capture; i++)
			printf(" %s",
			       v4l2r_fourcc_str(cc->capture_fourccs[i], name));
		putchar('\n');
	}
	if (cc->sizes.known)
		print_sizes(&cc->sizes);
	if (cc->usable)
		printf("    %-16s %s\n", "hold capture:",
		       cc->hold_capture ? "yes" : "no");
	if (cc->default_decode_mode >= 0)
		print_menu("decode modes:", cc->decode_modes,
			   cc->default_decode_mode, tool_decode_mode_name,
			   desc);
	if (cc->default_start_code >= 0)
		print_menu("start codes:", cc->start_codes,
			   cc->default_start_code, tool_start_code_name, desc);
	if (cc->has_profile_menu)
		print_menu("profiles:", cc->profiles, -1, tool_profile_name,
			   desc);
}

static void print_decoder(const struct decoder *d)
{
	const struct v4l2r_device_caps *caps = &d->caps;

	printf("%s\n", d->node.video_path);
	printf("  %-18s %s\n", "media node:",
	       d->node.media_path[0] ? d->node.media_path :
				       "none (media requests impossible)");
	if (d->error) {
		printf("  %-18s %s\n", "probe failed:", strerror(-d->error));
		return;
	}
	printf("  %-18s %s\n", "driver:", caps->driver);
	printf("  %-18s %s\n", "card:", caps->card);
	printf("  %-18s %s\n", "bus:", caps->bus_info);
	if (d->node.model[0])
		printf("  %-18s %s\n", "media model:", d->node.model);
	printf("  %-18s %s\n", "multiplanar:", yes_no(caps->mplane));
	printf("  %-18s %s\n", "requests:", yes_no(caps->supports_requests));
	printf("  %-18s %s\n", "hold capture:", yes_no(caps->hold_capture));
	for (int c = 0; c < V4L2R_CODEC_COUNT; c++) {
		const struct v4l2r_codec_desc *desc = v4l2r_codec_get(c);

		if (desc && caps->codec[c].present)
			print_codec(desc, &caps->codec[c], caps->codec[c].hold_capture);
	}
}

/* ---- JSON ---- */

/* "key": [names...] and "default_key": name, or nulls without a menu. */
static void json_menu(struct json_object *o, const char *key,
		      const char *default_key, bool present, uint64_t values,
		      int32_t def, tool_value_name_fn *name_of,
		      const struct v4l2r_codec_desc *desc)
{
	struct json_object *names = NULL;
	char buf[16];

	if (present) {
		names = json_object_new_array();
		for (unsigned v = 0; v < 64; v++)
			if (values & (UINT64_C(1) << v))
				json_object_array_add(names, tool_json_string(
					value_name(name_of, desc, v, buf)));
	}
	json_object_object_add(o, key, names);
	if (default_key)
		json_object_object_add(o, default_key, tool_json_string(
			def >= 0 ? value_name(name_of, desc, def, buf) : NULL));
}

static struct json_object *json_sizes(const struct v4l2r_size_range *r)
{
	struct json_object *o;

	if (!r->known)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "min_width", json_object_new_uint64(r->min_width));
	json_object_object_add(o, "max_width", json_object_new_uint64(r->max_width));
	json_object_object_add(o, "step_width", json_object_new_uint64(r->step_width));
	json_object_object_add(o, "min_height", json_object_new_uint64(r->min_height));
	json_object_object_add(o, "max_height", json_object_new_uint64(r->max_height));
	json_object_object_add(o, "step_height", json_object_new_uint64(r->step_height));
	return o;
}

static struct json_object *json_codec(const struct v4l2r_codec_desc *desc,
				      const struct v4l2r_codec_caps *cc,
				      bool hold_capture)
{
	struct json_object *o = json_object_new_object();
	struct json_object *formats = json_object_new_array();
	char name[8];

	json_object_object_add(o, "name", tool_json_string(desc->name));
	json_object_object_add(o, "coded_format", tool_json_string(
		v4l2r_fourcc_str(desc->coded_fourcc, name)));
	json_object_object_add(o, "compiled", json_object_new_boolean(desc->compiled));
	json_object_object_add(o, "usable", json_object_new_boolean(cc->usable));
	json_object_object_add(o, "hold_capture", json_object_new_boolean(cc->hold_capture));
	json_object_object_add(o, "problem", tool_json_string(
		cc->problem[0] ? cc->problem : NULL));
	json_object_object_add(o, "limitation", tool_json_string(
		cc->usable ? v4l2r_codec_caps_limitation(desc, hold_capture, cc) :
			     NULL));
	for (unsigned i = 0; i < cc->n_capture; i++)
		json_object_array_add(formats, tool_json_string(
			v4l2r_fourcc_str(cc->capture_fourccs[i], name)));
	json_object_object_add(o, "capture_formats", formats);
	json_object_object_add(o, "frame_sizes", json_sizes(&cc->sizes));
	json_menu(o, "decode_modes", "default_decode_mode",
		  cc->default_decode_mode >= 0, cc->decode_modes,
		  cc->default_decode_mode, tool_decode_mode_name, desc);
	json_menu(o, "start_codes", "default_start_code",
		  cc->default_start_code >= 0, cc->start_codes,
		  cc->default_start_code, tool_start_code_name, desc);
	json_menu(o, "profiles", NULL, cc->has_profile_menu, cc->profiles, -1,
		  tool_profile_name, desc);
	return o;
}

static struct json_object *json_decoder(const struct decoder *d)
{
	const struct v4l2r_device_caps *caps = &d->caps;
	struct json_object *o = json_object_new_object(), *codecs;

	json_object_object_add(o, "video", tool_json_string(d->node.video_path));
	json_object_object_add(o, "media", tool_json_string(
		d->node.media_path[0] ? d->node.media_path : NULL));
	json_object_object_add(o, "model", tool_json_string(
		d->node.model[0] ? d->node.model : NULL));
	json_object_object_add(o, "error", tool_json_string(
		d->error ? strerror(-d->error) : NULL));
	if (d->error)
		return o;
	json_object_object_add(o, "driver", tool_json_string(caps->driver));
	json_object_object_add(o, "card", tool_json_string(caps->card));
	json_object_object_add(o, "bus", tool_json_string(caps->bus_info));
	json_object_object_add(o, "multiplanar", json_object_new_boolean(caps->mplane));
	json_object_object_add(o, "requests", json_object_new_boolean(caps->supports_requests));
	json_object_object_add(o, "hold_capture", json_object_new_boolean(caps->hold_capture));
	codecs = json_object_new_array();
	for (int c = 0; c < V4L2R_CODEC_COUNT; c++) {
		const struct v4l2r_codec_desc *desc = v4l2r_codec_get(c);

		if (desc && caps->codec[c].present)
			json_object_array_add(codecs, json_codec(desc, &caps->codec[c],
								 caps->codec[c].hold_capture));
	}
	json_object_object_add(o, "codecs", codecs);
	return o;
}

static int print_json(const struct decoder *decoders, unsigned n)
{
	struct json_object *doc = json_object_new_object();
	struct json_object *list = json_object_new_array();

	for (unsigned i = 0; i < n; i++)
		json_object_array_add(list, json_decoder(&decoders[i]));
	json_object_object_add(doc, "decoders", list);
	return tool_json_print(stdout, doc);
}

/* ---- command ---- */

static int list_run(const struct tool_cmd *cmd, int argc, char **argv)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		TOOL_COMMON_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct v4l2r_node nodes[V4L2R_MAX_DEVICES];
	struct decoder *decoders;
	bool json = false;
	unsigned probed = 0;
	int opt, n, ret;

	while ((opt = getopt_long(argc, argv, TOOL_COMMON_SHORT_OPTIONS,
				  options, NULL)) != -1) {
		if (opt == 'j')
			json = true;
		else if ((ret = tool_common_option(cmd, opt, optarg)) >= 0)
			return ret;
	}
	ret = tool_no_operands(cmd, argc, argv);
	if (ret >= 0)
		return ret;

	n = v4l2r_discover(nodes, V4L2R_MAX_DEVICES);
	if (n < 0) {
		fprintf(stderr, "%s: the decoder named by -d/-m or the environment cannot be used: %s\n",
			TOOL_NAME, strerror(-n));
		return TOOL_EXIT_FAIL;
	}
	decoders = calloc(n ? n : 1, sizeof(*decoders));
	if (!decoders) {
		fprintf(stderr, "%s: out of memory\n", TOOL_NAME);
		return TOOL_EXIT_FAIL;
	}
	for (int i = 0; i < n; i++) {
		decoders[i].node = nodes[i];
		decoders[i].error = probe_decoder(&decoders[i]);
		if (!decoders[i].error)
			probed++;
	}
	if (json) {
		ret = print_json(decoders, (unsigned)n);
	} else {
		for (int i = 0; i < n; i++) {
			if (i)
				putchar('\n');
			print_decoder(&decoders[i]);
		}
	}
	free(decoders);
	if (json && ret < 0)
		return TOOL_EXIT_FAIL;
	if (!probed) {
		fprintf(stderr, "%s: no stateless decoder found\n", TOOL_NAME);
		return TOOL_EXIT_FAIL;
	}
	return TOOL_EXIT_OK;
}

const struct tool_cmd tool_cmd_list = {
	.name = "list",
	.summary = "List the stateless decoders found and what each can do.",
	.options_help = "      --json          print JSON instead of text\n",
	.run = list_run,
};
