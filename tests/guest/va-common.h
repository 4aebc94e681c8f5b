/* What the guest programs that drive the VA driver share: synthetic MPEG-2
 * pictures (valid parameters, slices that start with their start codes;
 * visl checks the controls, not the bitstream, and draws a deterministic
 * pattern, so these decode into real pictures there), DMABUF export and
 * the image race. */
#ifndef VA_COMMON_H
#define VA_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <va/va.h>
#include <va/va_drmcommon.h>

enum { PIC_I = 1, PIC_P = 2, PIC_B = 3 };

/* Ways to spoil a picture (the bad-input cases). */
struct bad {
	bool no_picture_params;
	bool slice_outside;
	bool short_picture_params;
	size_t huge_data;	/* bytes of slice data, 0: normal */
};

/* One picture's buffers as a client renders them (copies, freed by
 * va_pic_free), to be spoilt before they are sent. */
#define VA_PIC_MAX_BUFS 8
struct va_pic_buf {
	VABufferType type;
	unsigned size, n;	/* of one element, elements */
	uint8_t *data;
};
struct va_pic {
	unsigned n;
	struct va_pic_buf b[VA_PIC_MAX_BUFS];
};

bool va_pic_add(struct va_pic *p, VABufferType type, unsigned size,
		unsigned n, const void *data);
/* The first buffer of that type (its bytes in *size), NULL if none. */
void *va_pic_get(const struct va_pic *p, VABufferType type, unsigned *size);
bool va_pic_copy(struct va_pic *dst, const struct va_pic *src);
void va_pic_free(struct va_pic *p);
/* Creates the buffers, then vaBeginPicture, one vaRenderPicture of them
 * all, vaEndPicture. The first failing status; *failed (may be NULL) names
 * the call that gave it, NULL on success. */
VAStatus va_pic_decode(VADisplay dpy, VAContextID ctx, VASurfaceID target,
		       const struct va_pic *p, const char **failed);

/* A w x h MPEG-2 picture (PIC_*) with its references: picture parameters,
 * quantiser matrices, one slice per macroblock row from its start code,
 * data_size bytes of slice data (0: 48 per slice). */
bool va_mpeg2_pic(struct va_pic *p, int type, VASurfaceID fwd, VASurfaceID bwd,
		  unsigned w, unsigned h, size_t data_size);

/* Decodes one w x h picture of the given type (PIC_*) into target, with
 * its forward and backward references; bad may be NULL. The status of
 * vaBeginPicture, vaRenderPicture or vaEndPicture, the first that fails. */
VAStatus va_synth_mpeg2(VADisplay dpy, VAContextID ctx, VASurfaceID target,
			int type, VASurfaceID fwd, VASurfaceID bwd,
			unsigned w, unsigned h, const struct bad *bad);

/* An NV12 or P010 image's w x h pixels packed (rows of w samples, the
 * CbCr plane after the Y plane; malloc'd), or NULL. */
uint8_t *va_pack_image(VADisplay dpy, const VAImage *img, unsigned w,
		       unsigned h);
/* The picture of a w x h surface as vaGetImage gives it in a FOURCC
 * (NV12 or P010) image, packed as va_pack_image does; NULL when
 * vaGetImage fails. The caller frees it. */
uint8_t *va_read_image(VADisplay dpy, VASurfaceID s, uint32_t fourcc,
		       unsigned w, unsigned h);
uint8_t *va_read_nv12(VADisplay dpy, VASurfaceID s, unsigned w, unsigned h);
/* Exports a surface as DRM PRIME 2, read-only, one layer per plane (as
 * Kodi, mpv and FFmpeg's hwmap do). */
VAStatus va_export_layers(VADisplay dpy, VASurfaceID s,
			  VADRMPRIMESurfaceDescriptor *d);
/* Closes an export's file descriptors (the layout stays, to compare). */
void va_close_export(VADRMPRIMESurfaceDescriptor *d);

/* vaGetImage copies into the image without the driver lock: an image
 * destroyed by another thread meanwhile must stay alive until the copy is
 * done. Each of `rounds` rounds: a second thread starts vaGetImage of a
 * 1920x1080 MPEG-2 picture (cfg: MPEG-2 Main), this thread destroys the
 * image at once and takes memory of the image's size, filled from its
 * end. Had the driver freed the image then, the copy still running would
 * write into unmapped memory (a crash) or into that new memory (its
 * pattern broken). Reports one line, test `name`. */
void va_image_race(VADisplay dpy, VAConfigID cfg, unsigned rounds,
		   const char *name);

/* The driver's messages (its error and info callbacks) kept for the cases
 * that check what it logged, and echoed to stderr when verbose. */
void va_log_capture(VADisplay dpy, bool verbose);
/* A display on the DRM node `device` (its descriptor in *fd), its messages
 * captured (va_log_capture, not echoed), initialised; NULL, with a line on
 * stderr, when there is no such node or libva finds no driver for it. */
VADisplay va_open_display(const char *device, int *fd);
/* Everything logged since the last va_log_clear(). */
const char *va_log_text(void);
void va_log_clear(void);
/* The last line logged, for a failure's explanation. */
const char *va_log_last(void);

/* Sets a visl module parameter (the project's patch adds the faults);
 * false when it cannot be written (not visl, or an unpatched one). */
bool va_visl_param(const char *name, unsigned value);

#endif
