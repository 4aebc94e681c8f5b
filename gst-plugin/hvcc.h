/* The HEVC decoder configuration record (hvcC, ISO/IEC 14496-15 8.3.3.1):
 * the codec_data of hvc1 and hev1 streams (MP4, Matroska), which gives the
 * size of the NAL units' length prefix and carries the parameter sets.
 *
 * GStreamer 1.22's codecparsers have no reader of it (1.24 added one), so
 * this is ours: free of GLib, every length checked against the bytes left.
 * Flow: hvcc_open() checks the whole record, then hvcc_next() hands out its
 * NAL units (those of every array, in order). */
#ifndef HVCC_H
#define HVCC_H

#include <stddef.h>
#include <stdint.h>

/* hvcc_open()'s refusals. */
enum hvcc_error {
	HVCC_ERR_TRUNCATED = -1,	/* a field or NAL unit runs past the end */
	HVCC_ERR_VERSION = -2,		/* configurationVersion above 1 */
	HVCC_ERR_NALU_SIZE = -3,	/* a NAL unit shorter than its header */
	HVCC_ERR_NALU_TYPE = -4,	/* a NAL unit not of its array's type */
};

struct hvcc {
	unsigned nal_length_size;	/* 1 to 4 bytes */
	/* Where hvcc_next() is. */
	const uint8_t *p, *end;
	unsigned arrays_left, nalus_left, type;
};

/* One NAL unit of the record, from its two-byte header on. The two bytes
 * before data hold its length (nalUnitLength), big-endian: it is a NAL
 * unit with a two-byte length prefix. */
struct hvcc_nalu {
	const uint8_t *data;
	size_t size;
	unsigned type;	/* nal_unit_type (32 VPS, 33 SPS, 34 PPS, ...) */
};

/* Reads the record's header and checks all of it; 0 or an hvcc_error.
 * Bytes past the last array are left alone (nothing is defined there). */
int hvcc_open(struct hvcc *h, const uint8_t *data, size_t size);
/* The next NAL unit: 1, or 0 after the last. */
int hvcc_next(struct hvcc *h, struct hvcc_nalu *nalu);
/* What an hvcc_error means, in words. */
const char *hvcc_strerror(int err);

#endif
