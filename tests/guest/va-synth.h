/* Synthetic MPEG-2 pictures for the guest programs that drive the VA
 * driver: valid parameters and slices that start with their start codes.
 * visl checks the controls, not the bitstream, and draws a deterministic
 * pattern, so these decode into real pictures there. */
#ifndef VA_SYNTH_H
#define VA_SYNTH_H

#include <stdbool.h>
#include <stddef.h>

#include <va/va.h>

enum { PIC_I = 1, PIC_P = 2, PIC_B = 3 };

/* Ways to spoil a picture (the bad-input cases). */
struct bad {
	bool no_picture_params;
	bool slice_outside;
	bool short_picture_params;
	size_t huge_data;	/* bytes of slice data, 0: normal */
};

/* Decodes one w x h picture of the given type (PIC_*) into target, with
 * its forward and backward references; bad may be NULL. The status of
 * vaBeginPicture, vaRenderPicture or vaEndPicture, the first that fails. */
VAStatus va_synth_mpeg2(VADisplay dpy, VAContextID ctx, VASurfaceID target,
			int type, VASurfaceID fwd, VASurfaceID bwd,
			unsigned w, unsigned h, const struct bad *bad);

#endif
