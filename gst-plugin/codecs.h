/* The codec elements' types (one file each), for the registration. */
#ifndef GST_V4L2R_CODECS_H
#define GST_V4L2R_CODECS_H

#include <glib-object.h>
#include <linux/videodev2.h>

GType gst_v4l2r_mpeg2_dec_get_type(void);
GType gst_v4l2r_h264_dec_get_type(void);
GType gst_v4l2r_h265_dec_get_type(void);
GType gst_v4l2r_vp8_dec_get_type(void);
GType gst_v4l2r_vp9_dec_get_type(void);
#ifdef V4L2_CID_STATELESS_AV1_SEQUENCE	/* headers with the AV1 uAPI */
GType gst_v4l2r_av1_dec_get_type(void);
#endif

#endif
