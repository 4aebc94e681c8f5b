/* What the guest programs that drive the VA driver share (va-common.h). */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include <va/va_drm.h>

#include "report.h"
#include "va-common.h"

bool va_pic_add(struct va_pic *p, VABufferType type, unsigned size,
		unsigned n, const void *data)
{
	if (p->n >= VA_PIC_MAX_BUFS)
		return false;
	struct va_pic_buf *b = &p->b[p->n];
	size_t total = (size_t)size * n;
	b->data = malloc(total ? total : 1);
	if (!b->data)
		return false;
	memcpy(b->data, data, total);
	b->type = type;
	b->size = size;
	b->n = n;
	p->n++;
	return true;
}

void *va_pic_get(const struct va_pic *p, VABufferType type, unsigned *size)
{
	for (unsigned i = 0; i < p->n; i++)
		if (p->b[i].type == type) {
			if (size)
				*size = p->b[i].size * p->b[i].n;
			return p->b[i].data;
		}
	return NULL;
}

bool va_pic_copy(struct va_pic *dst, const struct va_pic *src)
{
	memset(dst, 0, sizeof(*dst));
	for (unsigned i = 0; i < src->n; i++)
		if (!va_pic_add(dst, src->b[i].type, src->b[i].size,
				src->b[i].n, src->b[i].data)) {
			va_pic_free(dst);
			return false;
		}
	return true;
}

void va_pic_free(struct va_pic *p)
{
	for (unsigned i = 0; i < p->n; i++)
		free(p->b[i].data);
	memset(p, 0, sizeof(*p));
}

VAStatus va_pic_decode(VADisplay dpy, VAContextID ctx, VASurfaceID target,
		       const struct va_pic *p, const char **failed)
{
	VABufferID bufs[VA_PIC_MAX_BUFS];
	unsigned n = 0;
	VAStatus st = VA_STATUS_SUCCESS;
	const char *where = "vaCreateBuffer";

	for (unsigned i = 0; i < p->n && st == VA_STATUS_SUCCESS; i++) {
		st = vaCreateBuffer(dpy, ctx, p->b[i].type, p->b[i].size,
				    p->b[i].n, p->b[i].data, &bufs[n]);
		if (st == VA_STATUS_SUCCESS)
			n++;
	}
	if (st == VA_STATUS_SUCCESS) {
		where = "vaBeginPicture";
		st = vaBeginPicture(dpy, ctx, target);
	}
	if (st == VA_STATUS_SUCCESS) {
		/* One call for every buffer, as FFmpeg renders them. */
		VAStatus r = vaRenderPicture(dpy, ctx, bufs, (int)n);
		VAStatus e = vaEndPicture(dpy, ctx);
		where = r != VA_STATUS_SUCCESS ? "vaRenderPicture" : "vaEndPicture";
		st = r != VA_STATUS_SUCCESS ? r : e;
	}
	for (unsigned i = 0; i < n; i++)
		vaDestroyBuffer(dpy, bufs[i]);
	if (failed)
		*failed = st == VA_STATUS_SUCCESS ? NULL : where;
	return st;
}

bool va_mpeg2_pic(struct va_pic *p, int type, VASurfaceID fwd, VASurfaceID bwd,
		  unsigned w, unsigned h, size_t data_size)
{
	VAPictureParameterBufferMPEG2 pp;
	VAIQMatrixBufferMPEG2 iq;
	unsigned rows = h / 16;
	if (!data_size)
		data_size = (size_t)rows * 48;
	VASliceParameterBufferMPEG2 *sp = calloc(rows ? rows : 1, sizeof(*sp));
	uint8_t *data = calloc(1, data_size ? data_size : 1);
	bool ok = sp && data && rows;

	memset(p, 0, sizeof(*p));
	memset(&pp, 0, sizeof(pp));
	pp.horizontal_size = w;
	pp.vertical_size = h;
	pp.forward_reference_picture = type >= PIC_P ? fwd : VA_INVALID_SURFACE;
	pp.backward_reference_picture = type == PIC_B ? bwd : VA_INVALID_SURFACE;
	pp.picture_coding_type = type;
	pp.f_code = type == PIC_I ? 0xffff : type == PIC_P ? 0x11ff : 0x1111;
	pp.picture_coding_extension.bits.picture_structure = 3;
	pp.picture_coding_extension.bits.frame_pred_frame_dct = 1;
	pp.picture_coding_extension.bits.progressive_frame = 1;
	pp.picture_coding_extension.bits.is_first_field = 1;
	memset(&iq, 0, sizeof(iq));
	iq.load_intra_quantiser_matrix = 1;
	iq.load_non_intra_quantiser_matrix = 1;
	for (int i = 0; i < 64; i++) {
		iq.intra_quantiser_matrix[i] = (uint8_t)(8 + i);
		iq.non_intra_quantiser_matrix[i] = 16;
	}
	/* One slice per macroblock row, each from its start code. */
	size_t per = rows ? data_size / rows : 0;
	for (unsigned i = 0; ok && i < rows; i++) {
		uint8_t *s = data + (size_t)i * per;
		s[0] = 0;
		s[1] = 0;
		s[2] = 1;
		s[3] = (uint8_t)(i + 1);
		for (size_t k = 4; k < per; k++)
			s[k] = (uint8_t)(0x11 * (k + (size_t)i + (size_t)type) | 0x80);
		memset(&sp[i], 0, sizeof(sp[i]));
		sp[i].slice_data_size = (uint32_t)per;
		sp[i].slice_data_offset = (uint32_t)((size_t)i * per);
		sp[i].slice_data_flag = VA_SLICE_DATA_FLAG_ALL;
		sp[i].macroblock_offset = 38;
		sp[i].slice_vertical_position = (uint32_t)i;
		sp[i].quantiser_scale_code = 8;
		sp[i].intra_slice_flag = type == PIC_I;
	}
	ok = ok && va_pic_add(p, VAPictureParameterBufferType, sizeof(pp), 1, &pp) &&
	     va_pic_add(p, VAIQMatrixBufferType, sizeof(iq), 1, &iq) &&
	     va_pic_add(p, VASliceParameterBufferType, sizeof(sp[0]), rows, sp) &&
	     va_pic_add(p, VASliceDataBufferType, (unsigned)data_size, 1, data);
	free(data);
	free(sp);
	if (!ok)
		va_pic_free(p);
	return ok;
}

VAStatus va_synth_mpeg2(VADisplay dpy, VAContextID ctx, VASurfaceID target,
			int type, VASurfaceID fwd, VASurfaceID bwd,
			unsigned w, unsigned h, const struct bad *bad)
{
	struct va_pic p;

	if (!va_mpeg2_pic(&p, type, fwd, bwd, w, h,
			  bad && bad->huge_data ? bad->huge_data : 0))
		return VA_STATUS_ERROR_ALLOCATION_FAILED;
	if (bad && bad->slice_outside) {
		unsigned size = 0;
		VASliceParameterBufferMPEG2 *sp =
			va_pic_get(&p, VASliceParameterBufferType, &size);
		if (sp && size >= sizeof(*sp))
			sp[size / sizeof(*sp) - 1].slice_data_size += 10;
	}
	if (bad && bad->short_picture_params)
		p.b[0].size -= 4;
	if (bad && bad->no_picture_params) {
		/* buffer 0 is the picture parameters */
		free(p.b[0].data);
		memmove(&p.b[0], &p.b[1], (p.n - 1) * sizeof(p.b[0]));
		p.n--;
	}
	VAStatus st = va_pic_decode(dpy, ctx, target, &p, NULL);
	va_pic_free(&p);
	return st;
}

VAStatus va_export_layers(VADisplay dpy, VASurfaceID s,
			  VADRMPRIMESurfaceDescriptor *d)
{
	memset(d, 0, sizeof(*d));
	return vaExportSurfaceHandle(dpy, s, VA_SURFACE_ATTRIB_MEM_TYPE_DRM_PRIME_2,
				     VA_EXPORT_SURFACE_READ_ONLY |
					     VA_EXPORT_SURFACE_SEPARATE_LAYERS, d);
}

void va_close_export(VADRMPRIMESurfaceDescriptor *d)
{
	for (uint32_t i = 0; i < d->num_objects; i++) {
		if (d->objects[i].fd >= 0)
			close(d->objects[i].fd);
		d->objects[i].fd = -1;
	}
}

uint8_t *va_pack_image(VADisplay dpy, const VAImage *img, unsigned w,
		      unsigned h)
{
	void *p;
	uint8_t *out;

	/* P010: two bytes a sample */
	size_t row = (size_t)w * (img->format.fourcc == VA_FOURCC_P010 ? 2 : 1);

	if (vaMapBuffer(dpy, img->buf, &p))
		return NULL;
	out = malloc(row * h * 3 / 2);
	for (unsigned y = 0; out && y < h; y++)
		memcpy(out + y * row, (uint8_t *)p + img->offsets[0] +
					      (size_t)y * img->pitches[0], row);
	for (unsigned y = 0; out && y < h / 2; y++)
		memcpy(out + row * h + y * row,
		       (uint8_t *)p + img->offsets[1] + (size_t)y * img->pitches[1],
		       row);
	vaUnmapBuffer(dpy, img->buf);
	return out;
}

uint8_t *va_read_image(VADisplay dpy, VASurfaceID s, uint32_t fourcc,
		       unsigned w, unsigned h)
{
	VAImageFormat f = { .fourcc = fourcc, .byte_order = VA_LSB_FIRST,
			    .bits_per_pixel = fourcc == VA_FOURCC_P010 ? 24 : 12 };
	VAImage img;
	uint8_t *out = NULL;

	if (vaCreateImage(dpy, &f, (int)w, (int)h, &img))
		return NULL;
	if (!vaGetImage(dpy, s, 0, 0, w, h, img.image_id))
		out = va_pack_image(dpy, &img, w, h);
	vaDestroyImage(dpy, img.image_id);
	return out;
}

uint8_t *va_read_nv12(VADisplay dpy, VASurfaceID s, unsigned w, unsigned h)
{
	return va_read_image(dpy, s, VA_FOURCC_NV12, w, h);
}

/* The image race (va_image_race). A 1920x1080 picture makes the copy long
 * (milliseconds under the guest's emulation) next to the lookups before
 * it. The handshake is a mutex and a condition variable, which helgrind
 * and ThreadSanitizer understand (a spin-wait on an atomic they report). */
#define RACE_W 1920
#define RACE_H 1080
enum race_phase { RACE_IDLE, RACE_GO, RACE_GETTING, RACE_GOT, RACE_QUIT };

struct image_race {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	enum race_phase phase;
	VADisplay dpy;
	VASurfaceID surface;
	VAImageID image;
	VAStatus st;
};

static void race_set(struct image_race *r, enum race_phase p)
{
	r->phase = p;
	pthread_cond_broadcast(&r->changed);
}

/* Waits, with the lock held, for the phase to reach want (or pass it: the
 * getter may have moved on). */
static void race_wait(struct image_race *r, enum race_phase want)
{
	while (r->phase < want)
		pthread_cond_wait(&r->changed, &r->lock);
}

static void *image_getter(void *arg)
{
	struct image_race *r = arg;

	pthread_mutex_lock(&r->lock);
	for (;;) {
		while (r->phase != RACE_GO && r->phase != RACE_QUIT)
			pthread_cond_wait(&r->changed, &r->lock);
		if (r->phase == RACE_QUIT)
			break;
		VAImageID image = r->image;
		race_set(r, RACE_GETTING);
		pthread_mutex_unlock(&r->lock);
		VAStatus st = vaGetImage(r->dpy, r->surface, 0, 0, RACE_W,
					 RACE_H, image);
		pthread_mutex_lock(&r->lock);
		r->st = st;
		race_set(r, RACE_GOT);
	}
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

/* The pattern from the end to the start, so that a copy into the same
 * memory from its start, still running, crosses it and shows. */
static void fill_backwards(uint8_t *mem, size_t size)
{
	const size_t block = 4096;

	for (size_t end = size; mem && end; end -= end < block ? end : block)
		memset(mem + (end < block ? 0 : end - block), 0x5a,
		       end < block ? end : block);
}

void va_image_race(VADisplay dpy, VAConfigID cfg, unsigned want,
		   const char *name)
{
	VAImageFormat f = { .fourcc = VA_FOURCC_NV12, .byte_order = VA_LSB_FIRST,
			    .bits_per_pixel = 12 };
	struct image_race r = { .dpy = dpy, .phase = RACE_IDLE };
	unsigned rounds = 0, got = 0, refused = 0, bad = 0, corrupt = 0;
	VAContextID ctx;
	pthread_t t;
	VAStatus st;

	if ((st = vaCreateSurfaces(dpy, VA_RT_FORMAT_YUV420, RACE_W, RACE_H,
				   &r.surface, 1, NULL, 0))) {
		report(name, false, "surface: %s", vaErrorStr(st));
		return;
	}
	if ((st = vaCreateContext(dpy, cfg, RACE_W, RACE_H, VA_PROGRESSIVE,
				  &r.surface, 1, &ctx))) {
		report(name, false, "context: %s", vaErrorStr(st));
		vaDestroySurfaces(dpy, &r.surface, 1);
		return;
	}
	if ((st = va_synth_mpeg2(dpy, ctx, r.surface, PIC_I, 0, 0, RACE_W,
				 RACE_H, NULL)) ||
	    (st = vaSyncSurface(dpy, r.surface)))
		goto out;
	pthread_mutex_init(&r.lock, NULL);
	pthread_cond_init(&r.changed, NULL);
	pthread_create(&t, NULL, image_getter, &r);
	for (; rounds < want; rounds++) {
		VAImage img;
		if ((st = vaCreateImage(dpy, &f, RACE_W, RACE_H, &img)))
			break;
		pthread_mutex_lock(&r.lock);
		r.image = img.image_id;
		race_set(&r, RACE_GO);
		race_wait(&r, RACE_GETTING);
		pthread_mutex_unlock(&r.lock);
		st = vaDestroyImage(dpy, img.image_id);
		uint8_t *mem = malloc(img.data_size);
		fill_backwards(mem, img.data_size);
		pthread_mutex_lock(&r.lock);
		race_wait(&r, RACE_GOT);
		VAStatus got_st = r.st;
		pthread_mutex_unlock(&r.lock);
		for (uint32_t i = 0; mem && i < img.data_size; i++)
			if (mem[i] != 0x5a) {
				corrupt++;
				break;
			}
		free(mem);
		got += got_st == VA_STATUS_SUCCESS;
		refused += got_st == VA_STATUS_ERROR_INVALID_IMAGE;
		bad += got_st != VA_STATUS_SUCCESS &&
		       got_st != VA_STATUS_ERROR_INVALID_IMAGE;
		/* The id went with the first vaDestroyImage. */
		bad += vaDestroyImage(dpy, img.image_id) !=
		       VA_STATUS_ERROR_INVALID_IMAGE;
		if (st)
			break;
	}
	pthread_mutex_lock(&r.lock);
	race_set(&r, RACE_QUIT);
	pthread_mutex_unlock(&r.lock);
	pthread_join(t, NULL);
	pthread_cond_destroy(&r.changed);
	pthread_mutex_destroy(&r.lock);
out:
	vaDestroyContext(dpy, ctx);
	vaDestroySurfaces(dpy, &r.surface, 1);
	report(name, rounds == want && !st && !bad && !corrupt,
	       "%u rounds (%s), %u copies done, %u refused, %u other results, "
	       "%u freed images written", rounds, vaErrorStr(st), got, refused,
	       bad, corrupt);
}

static struct {
	pthread_mutex_t lock;
	bool verbose;
	size_t len;
	char text[1 << 16];
} va_log = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void va_log_add(void *user, const char *msg)
{
	size_t n = strlen(msg);

	(void)user;
	pthread_mutex_lock(&va_log.lock);
	if (va_log.verbose)
		fprintf(stderr, "  | %s", msg);
	if (n > sizeof(va_log.text) - 1 - va_log.len)
		n = sizeof(va_log.text) - 1 - va_log.len;
	memcpy(va_log.text + va_log.len, msg, n);
	va_log.len += n;
	va_log.text[va_log.len] = '\0';
	pthread_mutex_unlock(&va_log.lock);
}

void va_log_capture(VADisplay dpy, bool verbose)
{
	va_log.verbose = verbose;
	vaSetErrorCallback(dpy, va_log_add, NULL);
	vaSetInfoCallback(dpy, va_log_add, NULL);
}

const char *va_log_text(void)
{
	return va_log.text;
}

void va_log_clear(void)
{
	pthread_mutex_lock(&va_log.lock);
	va_log.len = 0;
	va_log.text[0] = '\0';
	pthread_mutex_unlock(&va_log.lock);
}

const char *va_log_last(void)
{
	static char line[300];
	const char *end = va_log.text + va_log.len;

	while (end > va_log.text && end[-1] == '\n')
		end--;
	const char *start = end;
	while (start > va_log.text && start[-1] != '\n')
		start--;
	snprintf(line, sizeof(line), "%.*s", (int)(end - start), start);
	return line[0] ? line : "(nothing logged)";
}

VADisplay va_open_display(const char *device, int *fd)
{
	int major, minor;
	VADisplay dpy;

	*fd = open(device, O_RDWR | O_CLOEXEC);
	if (*fd < 0 || !(dpy = vaGetDisplayDRM(*fd))) {
		fprintf(stderr, "cannot open %s as a VA display\n", device);
		if (*fd >= 0)
			close(*fd);
		return NULL;
	}
	va_log_capture(dpy, false);
	if (vaInitialize(dpy, &major, &minor)) {
		fprintf(stderr, "vaInitialize failed on %s: %s\n", device,
			va_log_last());
		vaTerminate(dpy);
		close(*fd);
		return NULL;
	}
	return dpy;
}

bool va_visl_param(const char *name, unsigned value)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/module/visl/parameters/%s", name);
	FILE *f = fopen(path, "w");
	if (!f)
		return false;
	bool ok = fprintf(f, "%u\n", value) > 0;
	return fclose(f) == 0 && ok;
}
