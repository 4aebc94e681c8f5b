/* conform: frames in a canonical layout, and the frame-by-frame
 * comparison of a tested decode against a reference decode. */
#ifndef CONFORM_COMPARE_H
#define CONFORM_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONFORM_MAX_PLANES 4

/* How a frame's samples are laid out; two frames can only be compared
 * sample by sample when their layouts are equal. */
struct conform_layout {
	unsigned nb_planes;	/* 1 (grey) to 4 */
	unsigned depth;		/* bits per sample */
	unsigned log2_chroma_w, log2_chroma_h;
	bool rgb;		/* planes are G, B, R rather than Y, U, V */
};

struct conform_plane {
	const uint8_t *data;
	ptrdiff_t stride;	/* bytes from one row to the next */
	unsigned width, height;	/* in samples */
};

/* The visible area of a decoded picture, one plane per colour component
 * in the order of a raw planar file (Y, U, V; G, B, R for planar RGB),
 * each sample in one byte (depth <= 8) or two little-endian bytes, in
 * the low bits. NV12 and P010 output are converted to this, so a frame
 * of NV12 and one of yuv420p with the same pixels are equal, and the MD5
 * of a frame is the MD5 of what `ffmpeg -f rawvideo -pix_fmt yuv420p`
 * (or yuv420p10le ...) writes for it. */
struct conform_frame {
	struct conform_layout layout;
	struct conform_plane plane[CONFORM_MAX_PLANES];
	char format[32];	/* the decoder's pixel format, for messages */
};

static inline unsigned conform_bytes_per_sample(const struct conform_layout *l)
{
	return l->depth > 8 ? 2 : 1;
}

bool conform_layout_equal(const struct conform_layout *a,
			  const struct conform_layout *b);

/* "Y" "U" "V" (or "G" "B" "R"), "A". */
const char *conform_plane_name(const struct conform_layout *l, unsigned i);

/* Describes a frame's layout: "yuv420p 320x240 8-bit 4:2:0". */
void conform_frame_describe(const struct conform_frame *f, char *buf,
			    size_t len);

/* Whether a and b have the same layout and plane sizes. */
bool conform_frame_same_shape(const struct conform_frame *a,
			      const struct conform_frame *b);

/* MD5 of the frame's planes, rows in order, no padding. */
void conform_frame_md5(const struct conform_frame *f, uint8_t md5[16]);

/* PSNR of each plane of a against b (same shape), in dB, peak
 * (1 << depth) - 1; INFINITY where the planes are identical. */
void conform_frame_psnr(const struct conform_frame *a,
			const struct conform_frame *b,
			double psnr[CONFORM_MAX_PLANES]);

void conform_md5_hex(const uint8_t md5[16], char hex[33]);

enum conform_side {
	CONFORM_TEST,		/* the decode under test (VA-API) */
	CONFORM_REF,		/* the reference (software) */
};

/* The comparison of two decodes of one stream, fed frame by frame in
 * output order. */
struct conform_cmp {
	unsigned frames[2];	/* per side */
	unsigned differing;	/* frames both sides have, MD5s unequal */
	long first_diff;	/* index of the first differing frame, or -1 */
	/* about the first differing frame: */
	bool first_missing;	/* one side has no such frame */
	bool first_shape;	/* shapes differ: no PSNR */
	double psnr[CONFORM_MAX_PLANES];
	struct conform_layout psnr_layout;
	char first_md5[2][33];
	char first_desc[2][64];	/* frame descriptions when shapes differ */
	/* the first frame's layout of each side (nb_planes 0: no frame) */
	struct conform_layout layout[2];
	char format[2][32];
	/* MD5 of the whole output of each side, like fluster's MD5 of the
	 * raw decoded file; valid after conform_cmp_finish */
	uint8_t md5[2][16];
	struct AVMD5 *md5_ctx[2];
};

/* Returns 0, or -ENOMEM. */
int conform_cmp_init(struct conform_cmp *c);
/* The next frame of each side; NULL for a side that has ended. */
void conform_cmp_add(struct conform_cmp *c, const struct conform_frame *test,
		     const struct conform_frame *ref);
void conform_cmp_finish(struct conform_cmp *c);
void conform_cmp_free(struct conform_cmp *c);

/* Same number of frames, all equal. */
bool conform_cmp_match(const struct conform_cmp *c);

/* One line on the differences (nothing when they match), e.g.
 * "first differing frame 0: PSNR Y 11.52 dB, U 25.01 dB, V inf; 10 of 10
 * frames differ". test_name and ref_name name the two sides. */
void conform_cmp_describe(const struct conform_cmp *c, const char *test_name,
			  const char *ref_name, char *buf, size_t len);

/* snprintf at the end of what buf already holds (never past len). */
void conform_append(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
