/* The hvcC reader (hvcc.h). The record (ISO/IEC 14496-15 8.3.3.1.2):
 *
 *   byte 0       configurationVersion
 *   bytes 1-20   profile, tier, level, compatibility and constraint flags,
 *                min_spatial_segmentation_idc, parallelismType,
 *                chromaFormat, bit depths, avgFrameRate (not needed: the
 *                SPS says all of it)
 *   byte 21      constantFrameRate(2) numTemporalLayers(3)
 *                temporalIdNested(1) lengthSizeMinusOne(2)
 *   byte 22      numOfArrays
 *   then per array: array_completeness(1) reserved(1) NAL_unit_type(6),
 *                numNalus(16), and per NAL unit nalUnitLength(16) and the
 *                NAL unit. */
#include "hvcc.h"

#define HEADER_SIZE 23
#define NAL_HEADER_SIZE 2

static unsigned read16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/* The NAL unit at h's cursor, checked against the bytes left: 1, 0 after
 * the last, or an hvcc_error. */
static int step(struct hvcc *h, struct hvcc_nalu *nalu)
{
	while (!h->nalus_left) {
		if (!h->arrays_left)
			return 0;
		if (h->end - h->p < 3)
			return HVCC_ERR_TRUNCATED;
		h->type = h->p[0] & 0x3f;
		h->nalus_left = read16(h->p + 1);
		h->p += 3;
		h->arrays_left--;
	}
	if (h->end - h->p < 2)
		return HVCC_ERR_TRUNCATED;
	size_t size = read16(h->p);
	if (size > (size_t)(h->end - h->p) - 2)
		return HVCC_ERR_TRUNCATED;
	if (size < NAL_HEADER_SIZE)
		return HVCC_ERR_NALU_SIZE;
	/* nal_unit_type: bits 1 to 6 of the NAL unit header's first byte. */
	if ((unsigned)(h->p[2] >> 1 & 0x3f) != h->type)
		return HVCC_ERR_NALU_TYPE;
	*nalu = (struct hvcc_nalu){ h->p + 2, size, h->type };
	h->p += 2 + size;
	h->nalus_left--;
	return 1;
}

int hvcc_open(struct hvcc *h, const uint8_t *data, size_t size)
{
	struct hvcc_nalu nalu;
	int ret;

	if (size < HEADER_SIZE)
		return HVCC_ERR_TRUNCATED;
	/* 1 since the third edition of ISO/IEC 14496-15; files written
	 * from its drafts have 0, in the same layout. A later version may
	 * lay the record out otherwise. */
	if (data[0] > 1)
		return HVCC_ERR_VERSION;
	*h = (struct hvcc){
		.nal_length_size = (data[21] & 3u) + 1,
		.p = data + HEADER_SIZE,
		.end = data + size,
		.arrays_left = data[22],
	};
	/* Every NAL unit read once on a copy: hvcc_next() then cannot fail. */
	struct hvcc check = *h;
	while ((ret = step(&check, &nalu)) > 0)
		;
	return ret;
}

int hvcc_next(struct hvcc *h, struct hvcc_nalu *nalu)
{
	return step(h, nalu);
}

const char *hvcc_strerror(int err)
{
	switch (err) {
	case HVCC_ERR_TRUNCATED:
		return "the record ends inside a field or NAL unit";
	case HVCC_ERR_VERSION:
		return "configurationVersion above 1";
	case HVCC_ERR_NALU_SIZE:
		return "a NAL unit shorter than its two-byte header";
	case HVCC_ERR_NALU_TYPE:
		return "a NAL unit of another type than its array";
	default:
		return "unknown error";
	}
}
