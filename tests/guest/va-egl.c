/* What Kodi and mpv do with the v4l2_request driver's surfaces before and
 * while playing, through EGL (Mesa on the guest's render node):
 *  - Kodi's start-up check: a never-decoded 1920x1080 NV12 surface, no
 *    context yet, exported as DRM PRIME 2 with READ_ONLY and
 *    SEPARATE_LAYERS, each layer imported with EGL_EXT_image_dma_buf_import
 *    WITHOUT a modifier (so the layout must be linear);
 *  - mpv's: a 128x128 surface of each pixel format a config lists,
 *    imported the same way;
 *  - playback: a decoded surface's layers, imported and drawn by GL, give
 *    the picture vaGetImage gives, byte for byte.
 * One line per case; exit 0 when all pass, 77 when EGL cannot import
 * DMABUFs here or there is no MPEG-2 decoder, 1 otherwise. */
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <EGL/egl.h>
#include <EGL/eglext.h>
#include <GLES2/gl2.h>
#include <GLES2/gl2ext.h>
#include <gbm.h>
#include <va/va.h>
#include <va/va_drm.h>
#include <va/va_drmcommon.h>

#include "report.h"
#include "va-common.h"

#define W 320
#define H 240

static VADisplay dpy;
static EGLDisplay egl;
static PFNEGLCREATEIMAGEKHRPROC create_image;
static PFNEGLDESTROYIMAGEKHRPROC destroy_image;
static PFNGLEGLIMAGETARGETTEXTURE2DOESPROC image_target_texture;


static void quiet(void *ctx, const char *msg)
{
	if (getenv("VA_EGL_TEST_VERBOSE"))
		fprintf(stderr, "%s", msg);
}

/* EGL on the render node through GBM, with a GLES2 context current. */
static bool open_egl(int drm_fd, char *why, size_t why_size)
{
	struct gbm_device *gbm = gbm_create_device(drm_fd);
	PFNEGLGETPLATFORMDISPLAYEXTPROC get_display =
		(void *)eglGetProcAddress("eglGetPlatformDisplayEXT");
	EGLint major, minor;

	if (!gbm || !get_display) {
		snprintf(why, why_size, "no GBM device or EGL platform displays");
		return false;
	}
	egl = get_display(EGL_PLATFORM_GBM_KHR, gbm, NULL);
	if (!egl || !eglInitialize(egl, &major, &minor)) {
		snprintf(why, why_size, "eglInitialize failed (0x%x)", eglGetError());
		return false;
	}
	const char *ext = eglQueryString(egl, EGL_EXTENSIONS);
	if (!ext || !strstr(ext, "EGL_EXT_image_dma_buf_import") ||
	    !strstr(ext, "EGL_KHR_surfaceless_context")) {
		snprintf(why, why_size, "EGL has no DMABUF import or surfaceless "
			 "contexts here");
		return false;
	}
	create_image = (void *)eglGetProcAddress("eglCreateImageKHR");
	destroy_image = (void *)eglGetProcAddress("eglDestroyImageKHR");
	image_target_texture =
		(void *)eglGetProcAddress("glEGLImageTargetTexture2DOES");
	EGLint attribs[] = { EGL_CONTEXT_CLIENT_VERSION, 2, EGL_NONE };
	eglBindAPI(EGL_OPENGL_ES_API);
	EGLContext ctx = eglCreateContext(egl, EGL_NO_CONFIG_KHR, EGL_NO_CONTEXT,
					  attribs);
	if (!create_image || !destroy_image || !image_target_texture ||
	    ctx == EGL_NO_CONTEXT ||
	    !eglMakeCurrent(egl, EGL_NO_SURFACE, EGL_NO_SURFACE, ctx)) {
		snprintf(why, why_size, "no GLES2 context (0x%x)", eglGetError());
		return false;
	}
	return true;
}

/* One layer of an export as an EGL image, without a modifier, as Kodi
 * and mpv import them. */
static EGLImageKHR import_layer(const VADRMPRIMESurfaceDescriptor *d,
				unsigned layer, unsigned width, unsigned height)
{
	unsigned obj = d->layers[layer].object_index[0];
	EGLint a[] = {
		EGL_WIDTH, (EGLint)width,
		EGL_HEIGHT, (EGLint)height,
		EGL_LINUX_DRM_FOURCC_EXT, (EGLint)d->layers[layer].drm_format,
		EGL_DMA_BUF_PLANE0_FD_EXT, d->objects[obj].fd,
		EGL_DMA_BUF_PLANE0_OFFSET_EXT, (EGLint)d->layers[layer].offset[0],
		EGL_DMA_BUF_PLANE0_PITCH_EXT, (EGLint)d->layers[layer].pitch[0],
		EGL_NONE,
	};
	return create_image(egl, EGL_NO_CONTEXT, EGL_LINUX_DMA_BUF_EXT, NULL, a);
}

/* Layer i of a 4:2:0 surface is full size (luma) or halved (chroma). */
static unsigned layer_dim(unsigned full, unsigned layer)
{
	return layer ? (full + 1) / 2 : full;
}

/* Exports a surface and imports every layer; why says what failed. */
static bool import_surface(VASurfaceID s, unsigned width, unsigned height,
			   char *why, size_t why_size)
{
	VADRMPRIMESurfaceDescriptor d;
	VAStatus st = va_export_layers(dpy, s, &d);
	bool ok = st == VA_STATUS_SUCCESS && d.num_layers >= 2;

	if (!ok)
		snprintf(why, why_size, "export: %s, %u layers", vaErrorStr(st),
			 d.num_layers);
	for (unsigned i = 0; ok && i < d.num_layers; i++) {
		EGLImageKHR img = import_layer(&d, i, layer_dim(width, i),
					       layer_dim(height, i));
		if (img == EGL_NO_IMAGE_KHR) {
			snprintf(why, why_size, "layer %u (%.4s, modifier 0x%llx) "
				 "not imported: EGL error 0x%x", i,
				 (const char *)&d.layers[i].drm_format,
				 (unsigned long long)d.objects[0].drm_format_modifier,
				 eglGetError());
			ok = false;
		} else {
			destroy_image(egl, img);
		}
	}
	if (st == VA_STATUS_SUCCESS)
		va_close_export(&d);
	return ok;
}

/* ------------------------------------------------------------------ */
/* Drawing an imported layer and reading it back.                      */

static GLuint program;

static GLuint shader(GLenum type, const char *src)
{
	GLuint sh = glCreateShader(type);
	GLint ok = 0;

	glShaderSource(sh, 1, &src, NULL);
	glCompileShader(sh);
	glGetShaderiv(sh, GL_COMPILE_STATUS, &ok);
	return ok ? sh : 0;
}

static bool make_program(void)
{
	static const char *vs =
		"attribute vec2 pos;\n"
		"varying highp vec2 tc;\n"
		"void main() { tc = pos * 0.5 + 0.5; gl_Position = vec4(pos, 0.0, 1.0); }\n";
	static const char *fs =
		"uniform sampler2D tex;\n"
		"varying highp vec2 tc;\n"
		"void main() { gl_FragColor = texture2D(tex, tc); }\n";
	GLuint v = shader(GL_VERTEX_SHADER, vs), f = shader(GL_FRAGMENT_SHADER, fs);
	GLint ok = 0;

	if (!v || !f)
		return false;
	program = glCreateProgram();
	glAttachShader(program, v);
	glAttachShader(program, f);
	glBindAttribLocation(program, 0, "pos");
	glLinkProgram(program);
	glGetProgramiv(program, GL_LINK_STATUS, &ok);
	return ok;
}

/* Draws the image 1:1 into a w x h RGBA target and returns the channels
 * (components per texel: 1 for R8, 2 for GR88) as bytes, rows in memory
 * order (GL's origin is the first row on both sides). */
static uint8_t *draw_back(EGLImageKHR img, unsigned w, unsigned h,
			  unsigned comps)
{
	static const GLfloat quad[] = { -1, -1, 1, -1, -1, 1, 1, 1 };
	GLuint tex, rb, fb;
	uint8_t *rgba = malloc((size_t)w * h * 4), *out = NULL;

	glGenTextures(1, &tex);
	glBindTexture(GL_TEXTURE_2D, tex);
	image_target_texture(GL_TEXTURE_2D, img);
	glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
	glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
	glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
	glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
	glGenRenderbuffers(1, &rb);
	glBindRenderbuffer(GL_RENDERBUFFER, rb);
	glRenderbufferStorage(GL_RENDERBUFFER, GL_RGBA8_OES, (GLsizei)w, (GLsizei)h);
	glGenFramebuffers(1, &fb);
	glBindFramebuffer(GL_FRAMEBUFFER, fb);
	glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0,
				  GL_RENDERBUFFER, rb);
	if (rgba && glCheckFramebufferStatus(GL_FRAMEBUFFER) ==
			    GL_FRAMEBUFFER_COMPLETE) {
		glViewport(0, 0, (GLsizei)w, (GLsizei)h);
		glUseProgram(program);
		glUniform1i(glGetUniformLocation(program, "tex"), 0);
		glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, 0, quad);
		glEnableVertexAttribArray(0);
		glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
		glReadPixels(0, 0, (GLsizei)w, (GLsizei)h, GL_RGBA,
			     GL_UNSIGNED_BYTE, rgba);
		if (glGetError() == GL_NO_ERROR &&
		    (out = malloc((size_t)w * h * comps)))
			for (size_t i = 0; i < (size_t)w * h; i++)
				for (unsigned c = 0; c < comps; c++)
					out[i * comps + c] = rgba[i * 4 + c];
	}
	glDeleteFramebuffers(1, &fb);
	glDeleteRenderbuffers(1, &rb);
	glDeleteTextures(1, &tex);
	free(rgba);
	return out;
}

static bool decode_intra(VAContextID ctx, VASurfaceID target)
{
	return !va_synth_mpeg2(dpy, ctx, target, PIC_I, VA_INVALID_SURFACE,
			       VA_INVALID_SURFACE, W, H, NULL) &&
	       !vaSyncSurface(dpy, target);
}

/* Draws both layers of an exported decoded surface with GL and compares
 * them with vaGetImage; 0 when equal, 1 when not (why says how), 2 when GL
 * could not draw the imported image (the EGL implementation cannot read
 * it: Mesa's kms_swrast maps buffers through DRM dumb mapping, which the
 * kernel refuses for imported ones). */
static int draw_and_compare(VASurfaceID s, const VADRMPRIMESurfaceDescriptor *d,
			    char *why, size_t why_size)
{
	for (unsigned i = 0; i < 2; i++) {
		unsigned w = layer_dim(W, i), h = layer_dim(H, i);
		EGLImageKHR img = import_layer(d, i, w, h);
		uint8_t *drawn = img != EGL_NO_IMAGE_KHR ?
					 draw_back(img, w, h, i ? 2 : 1) : NULL;
		/* vaGetImage's picture, packed NV12: luma, then UV rows. */
		uint8_t *ref = va_read_nv12(dpy, s, W, H);
		bool ok = drawn && ref &&
			  !memcmp(drawn, ref + (i ? W * H : 0), (size_t)W * h);
		if (!ok)
			snprintf(why, why_size, "layer %u: %s", i,
				 img == EGL_NO_IMAGE_KHR ? "not imported" :
				 !drawn ? "not drawn" : !ref ? "vaGetImage failed" :
				 "GL draws other bytes than vaGetImage gives");
		if (img != EGL_NO_IMAGE_KHR)
			destroy_image(egl, img);
		free(drawn);
		free(ref);
		if (!ok)
			return img != EGL_NO_IMAGE_KHR && !drawn ? 2 : 1;
	}
	return 0;
}

static void test_playback(VAConfigID cfg)
{
	VASurfaceAttrib nv12 = {
		.type = VASurfaceAttribPixelFormat,
		.flags = VA_SURFACE_ATTRIB_SETTABLE,
		.value = { .type = VAGenericValueTypeInteger,
			   .value.i = VA_FOURCC_NV12 },
	};
	VASurfaceID s;
	VAContextID ctx = VA_INVALID_ID;
	VADRMPRIMESurfaceDescriptor d;
	char why[192] = "decode failed";
	bool ok = !vaCreateSurfaces(dpy, VA_RT_FORMAT_YUV420, W, H, &s, 1, &nv12, 1);

	/* mpv's order: the context first, the surface afterwards. */
	ok = ok && !vaCreateContext(dpy, cfg, W, H, VA_PROGRESSIVE, NULL, 0, &ctx) &&
	     decode_intra(ctx, s);
	VAStatus st = ok ? va_export_layers(dpy, s, &d) : (VAStatus)VA_STATUS_ERROR_UNKNOWN;
	if (ok && (st || d.num_layers != 2)) {
		snprintf(why, sizeof(why), "export: %s", vaErrorStr(st));
		ok = false;
	}
	if (ok) {
		/* Mesa's software renderer reading an imported DMABUF is not
		 * ours to test, and Debian 12's crashes doing it on vgem: draw
		 * in a child, and tell a crash there from a wrong picture. */
		fflush(stdout);
		pid_t pid = fork();
		if (pid == 0) {
			int r = draw_and_compare(s, &d, why, sizeof(why));
			if (r)
				fprintf(stderr, "%s\n", why);
			_exit(r);
		}
		int status = 0;
		waitpid(pid, &status, 0);
		if (WIFSIGNALED(status) ||
		    (WIFEXITED(status) && WEXITSTATUS(status) == 2)) {
			report_skip("egl-draws-decoded-surface-as-get-image",
				    "imported, but this EGL implementation cannot "
				    "read an imported DMABUF: %s", WIFSIGNALED(status) ?
				    "it crashed" : "GL reports an error");
		} else {
			snprintf(why, sizeof(why), "see the line above");
			report("egl-draws-decoded-surface-as-get-image",
			       WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s", why);
		}
		va_close_export(&d);
	} else {
		report("egl-draws-decoded-surface-as-get-image", false, "%s", why);
	}
	if (ctx != VA_INVALID_ID)
		vaDestroyContext(dpy, ctx);
	vaDestroySurfaces(dpy, &s, 1);
}

int main(int argc, char **argv)
{
	const char *device = argc > 1 ? argv[1] : "/dev/dri/renderD128";
	char why[192] = "";
	int fd = open(device, O_RDWR | O_CLOEXEC), major, minor;

	if (fd < 0 || !(dpy = vaGetDisplayDRM(fd))) {
		fprintf(stderr, "cannot open %s\n", device);
		return 77;
	}
	vaSetInfoCallback(dpy, quiet, NULL);
	vaSetErrorCallback(dpy, quiet, NULL);
	if (vaInitialize(dpy, &major, &minor)) {
		fprintf(stderr, "vaInitialize failed on %s\n", device);
		return 77;
	}
	/* Mesa's llvmpipe draws in threads, which a forked child would not
	 * have (test_playback draws in one): draw in the calling thread. */
	setenv("LP_NUM_THREADS", "0", 0);
	if (!open_egl(fd, why, sizeof(why)) || !make_program()) {
		fprintf(stderr, "%s\n", why[0] ? why : "GLES2 shaders do not build");
		return 77;
	}
	VAConfigID cfg;
	if (vaCreateConfig(dpy, VAProfileMPEG2Main, VAEntrypointVLD, NULL, 0, &cfg)) {
		fprintf(stderr, "no MPEG-2 Main profile: nothing to test\n");
		return 77;
	}

	/* Kodi: before any context. */
	VASurfaceID s;
	VASurfaceAttrib a = {
		.type = VASurfaceAttribPixelFormat,
		.flags = VA_SURFACE_ATTRIB_SETTABLE,
		.value = { .type = VAGenericValueTypeInteger,
			   .value.i = VA_FOURCC_NV12 },
	};
	VAStatus st = vaCreateSurfaces(dpy, VA_RT_FORMAT_YUV420, 1920, 1080, &s,
				       1, &a, 1);
	bool ok = !st && import_surface(s, 1920, 1080, why, sizeof(why));
	report("kodi-probe-egl-imports-1080p-nv12", ok, "%s%s",
	       st ? "vaCreateSurfaces: " : "", st ? vaErrorStr(st) : why);
	if (!st)
		vaDestroySurfaces(dpy, &s, 1);

	/* mpv: every format the config lists, 128x128. */
	VASurfaceAttrib attrs[32];
	unsigned n = 32;
	ok = !vaQuerySurfaceAttributes(dpy, cfg, attrs, &n);
	why[0] = '\0';
	for (unsigned i = 0; ok && i < n; i++) {
		if (attrs[i].type != VASurfaceAttribPixelFormat)
			continue;
		a = attrs[i];
		a.flags = VA_SURFACE_ATTRIB_SETTABLE;
		st = vaCreateSurfaces(dpy, VA_RT_FORMAT_YUV420, 128, 128, &s, 1, &a, 1);
		ok = !st && import_surface(s, 128, 128, why, sizeof(why));
		if (st)
			snprintf(why, sizeof(why), "vaCreateSurfaces: %s", vaErrorStr(st));
		if (!ok)
			snprintf(why + strlen(why), sizeof(why) - strlen(why),
				 " (%.4s)", (const char *)&a.value.value.i);
		if (!st)
			vaDestroySurfaces(dpy, &s, 1);
	}
	report("mpv-probe-egl-imports-every-listed-format", ok, "%s", why);

	test_playback(cfg);
	vaDestroyConfig(dpy, cfg);
	vaTerminate(dpy);
	close(fd);
	return report_summary();
}
