VERSION = 0
def mpeg2_field_stream(path, w, h, n):
    raise NotImplementedError("todo")
def h264_paff_stream(path, w, h, n):
    raise NotImplementedError("todo")
