/* The codec elements' types (one file each), for the registration. */
#ifndef GST_V4L2R_CODECS_H
#define GST_V4L2R_CODECS_H

#include <glib-object.h>

GType gst_v4l2r_mpeg2_dec_get_type(void);
GType gst_v4l2r_h264_dec_get_type(void);
GType gst_v4l2r_h265_dec_get_type(void);
GType gst_v4l2r_vp8_dec_get_type(void);
GType gst_v4l2r_vp9_dec_get_type(void);

#endif
