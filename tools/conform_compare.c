/* conform: canonical frames, their MD5 and PSNR, and the comparison of
 * two decodes of a stream (see conform_compare.h). */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <libavutil/md5.h>
#include <libavutil/mem.h>

#include "conform_compare.h"

bool conform_layout_equal(const struct conform_layout *a,
			  const struct conform_layout *b)
{
	return a->nb_planes == b->nb_planes && a->depth == b->depth &&
	       a->log2_chroma_w == b->log2_chroma_w &&
	       a->log2_chroma_h == b->log2_chroma_h && a->rgb == b->rgb;
}

const char *conform_plane_name(const struct conform_layout *l, unsigned i)
{
	static const char *const yuv[] = { "Y", "U", "V", "A" };
	static const char *const rgb[] = { "G", "B", "R", "A" };

	if (i >= CONFORM_MAX_PLANES)
		return "?";
	return l->rgb ? rgb[i] : yuv[i];
}

static const char *subsampling_name(const struct conform_layout *l)
{
	if (l->nb_planes < 3)
		return "grey";
	if (l->log2_chroma_w == 1 && l->log2_chroma_h == 1)
		return "4:2:0";
	if (l->log2_chroma_w == 1 && l->log2_chroma_h == 0)
		return "4:2:2";
	if (l->log2_chroma_w == 0 && l->log2_chroma_h == 0)
		return "4:4:4";
	if (l->log2_chroma_w == 2 && l->log2_chroma_h == 0)
		return "4:1:1";
	return "subsampled";
}

void conform_frame_describe(const struct conform_frame *f, char *buf,
			    size_t len)
{
	snprintf(buf, len, "%s %ux%u %u-bit %s%s",
		 f->format[0] ? f->format : "?", f->plane[0].width,
		 f->plane[0].height, f->layout.depth,
		 f->layout.rgb ? "RGB " : "", subsampling_name(&f->layout));
}

bool conform_frame_same_shape(const struct conform_frame *a,
			      const struct conform_frame *b)
{
	if (!conform_layout_equal(&a->layout, &b->layout))
		return false;
	for (unsigned i = 0; i < a->layout.nb_planes; i++)
		if (a->plane[i].width != b->plane[i].width ||
		    a->plane[i].height != b->plane[i].height)
			return false;
	return true;
}

static void md5_update_frame(struct AVMD5 *ctx, const struct conform_frame *f)
{
	unsigned bps = conform_bytes_per_sample(&f->layout);

	for (unsigned i = 0; i < f->layout.nb_planes; i++) {
		const struct conform_plane *p = &f->plane[i];

		for (unsigned y = 0; y < p->height; y++)
			av_md5_update(ctx, p->data + (ptrdiff_t)y * p->stride,
				      (size_t)p->width * bps);
	}
}

void conform_frame_md5(const struct conform_frame *f, uint8_t md5[16])
{
	struct AVMD5 *ctx = av_md5_alloc();

	if (!ctx) {
		/* Cannot happen in practice; an all-zero digest differs
		 * from any real one only by chance, so say it. */
		fprintf(stderr, "conform: out of memory for an MD5\n");
		memset(md5, 0, 16);
		return;
	}
	av_md5_init(ctx);
	md5_update_frame(ctx, f);
	av_md5_final(ctx, md5);
	av_free(ctx);
}

static inline unsigned sample_at(const uint8_t *row, unsigned x, unsigned bps)
{
	if (bps == 1)
		return row[x];
	return row[2 * x] | (unsigned)row[2 * x + 1] << 8;
}

void conform_frame_psnr(const struct conform_frame *a,
			const struct conform_frame *b,
			double psnr[CONFORM_MAX_PLANES])
{
	unsigned bps = conform_bytes_per_sample(&a->layout);
	double peak = (double)((1u << a->layout.depth) - 1);

	for (unsigned i = 0; i < CONFORM_MAX_PLANES; i++)
		psnr[i] = NAN;
	for (unsigned i = 0; i < a->layout.nb_planes; i++) {
		const struct conform_plane *pa = &a->plane[i], *pb = &b->plane[i];
		uint64_t sse = 0;
		double n = (double)pa->width * pa->height;

		for (unsigned y = 0; y < pa->height; y++) {
			const uint8_t *ra = pa->data + (ptrdiff_t)y * pa->stride;
			const uint8_t *rb = pb->data + (ptrdiff_t)y * pb->stride;

			for (unsigned x = 0; x < pa->width; x++) {
				int64_t d = (int64_t)sample_at(ra, x, bps) -
					    (int64_t)sample_at(rb, x, bps);

				sse += (uint64_t)(d * d);
			}
		}
		if (sse == 0 || n == 0)
			psnr[i] = INFINITY;
		else
			psnr[i] = 10.0 * log10(peak * peak * n / (double)sse);
	}
}

void conform_md5_hex(const uint8_t md5[16], char hex[33])
{
	for (unsigned i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", md5[i]);
}

int conform_cmp_init(struct conform_cmp *c)
{
	*c = (struct conform_cmp){ .first_diff = -1 };
	for (unsigned s = 0; s < 2; s++) {
		c->md5_ctx[s] = av_md5_alloc();
		if (!c->md5_ctx[s]) {
			conform_cmp_free(c);
			return -ENOMEM;
		}
		av_md5_init(c->md5_ctx[s]);
	}
	return 0;
}

static void add_side(struct conform_cmp *c, enum conform_side s,
		     const struct conform_frame *f)
{
	if (c->frames[s] == 0) {
		c->layout[s] = f->layout;
		snprintf(c->format[s], sizeof(c->format[s]), "%s", f->format);
	}
	c->frames[s]++;
	md5_update_frame(c->md5_ctx[s], f);
}

void conform_cmp_add(struct conform_cmp *c, const struct conform_frame *test,
		     const struct conform_frame *ref)
{
	const struct conform_frame *side[2] = { test, ref };
	uint8_t md5[2][16];
	long index;

	if (!test && !ref)
		return;
	for (unsigned s = 0; s < 2; s++)
		if (side[s])
			add_side(c, s, side[s]);
	/* Both sides are fed in step, so the frame's index is the count of
	 * the longer side. */
	index = (long)(c->frames[CONFORM_TEST] > c->frames[CONFORM_REF]
			       ? c->frames[CONFORM_TEST]
			       : c->frames[CONFORM_REF]) - 1;
	if (!test || !ref) {
		if (c->first_diff < 0) {
			c->first_diff = index;
			c->first_missing = true;
		}
		return;
	}
	conform_frame_md5(test, md5[CONFORM_TEST]);
	conform_frame_md5(ref, md5[CONFORM_REF]);
	if (memcmp(md5[CONFORM_TEST], md5[CONFORM_REF], 16) == 0 &&
	    conform_frame_same_shape(test, ref))
		return;
	c->differing++;
	if (c->first_diff >= 0)
		return;
	c->first_diff = index;
	for (unsigned s = 0; s < 2; s++) {
		conform_md5_hex(md5[s], c->first_md5[s]);
		conform_frame_describe(side[s], c->first_desc[s],
				       sizeof(c->first_desc[s]));
	}
	if (conform_frame_same_shape(test, ref)) {
		conform_frame_psnr(test, ref, c->psnr);
		c->psnr_layout = test->layout;
	} else {
		c->first_shape = true;
	}
}

void conform_cmp_finish(struct conform_cmp *c)
{
	for (unsigned s = 0; s < 2; s++) {
		if (!c->md5_ctx[s])
			continue;
		av_md5_final(c->md5_ctx[s], c->md5[s]);
		av_freep(&c->md5_ctx[s]);
	}
}

void conform_cmp_free(struct conform_cmp *c)
{
	for (unsigned s = 0; s < 2; s++)
		av_freep(&c->md5_ctx[s]);
}

bool conform_cmp_match(const struct conform_cmp *c)
{
	return c->first_diff < 0 &&
	       c->frames[CONFORM_TEST] == c->frames[CONFORM_REF];
}

void conform_append(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

void conform_cmp_describe(const struct conform_cmp *c, const char *test_name,
			  const char *ref_name, char *buf, size_t len)
{
	unsigned nt = c->frames[CONFORM_TEST], nr = c->frames[CONFORM_REF];
	unsigned common = nt < nr ? nt : nr;

	if (!len)
		return;
	buf[0] = '\0';
	if (conform_cmp_match(c))
		return;
	if (nt != nr)
		conform_append(buf, len, "%u frames from %s, %u from %s; ", nt,
		       test_name, nr, ref_name);
	conform_append(buf, len, "first differing frame %ld", c->first_diff);
	if (c->first_missing) {
		conform_append(buf, len, " (only %s has it)",
		       nt > nr ? test_name : ref_name);
	} else if (c->first_shape) {
		conform_append(buf, len, " (%s: %s, %s: %s)", test_name,
		       c->first_desc[CONFORM_TEST], ref_name,
		       c->first_desc[CONFORM_REF]);
	} else {
		conform_append(buf, len, ": PSNR");
		for (unsigned i = 0; i < c->psnr_layout.nb_planes &&
				     i < CONFORM_MAX_PLANES; i++) {
			const char *name = conform_plane_name(&c->psnr_layout, i);

			if (isinf(c->psnr[i]))
				conform_append(buf, len, "%s %s inf", i ? "," : "", name);
			else
				conform_append(buf, len, "%s %s %.2f dB", i ? "," : "",
				       name, c->psnr[i]);
		}
	}
	if (common)
		conform_append(buf, len, "; %u of %u frames differ", c->differing,
		       common);
}
