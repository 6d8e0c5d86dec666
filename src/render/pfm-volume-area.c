/* pfm-volume-area.c - the OpenGL volume renderer of the propagating field
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every GL object lives in the instance and is made in realize, freed in
 * unrealize.  A frame is: clear, the tube's far edges, the ray-marched
 * volume (premultiplied, blended over them), the near edges and the slice
 * plane outlines.  While the user drags (or slices stream in) the frame is
 * drawn with fewer samples per ray into a half-size framebuffer and
 * scaled up; a tick callback notices when the interaction has settled
 * and asks for one full-quality frame.
 *
 * The CPU keeps the volume at full resolution; what goes to the GPU is
 * fitted to GL_MAX_3D_TEXTURE_SIZE and a memory budget (a box filter where
 * it must shrink), as half floats normalised so that the largest value is
 * about 1.  Streamed slices are appended with glTexSubImage3D.
 */
#define G_LOG_DOMAIN "pfm-volume-area"

#include "config.h"

#include <math.h>
#include <string.h>

#include "pfm-gl.h"
#include "pfm-volume-area.h"

#define REF_STEP            0.01    /* world units an opacity refers to: 1/100 of the width */
#define INDEX_OPACITY_BOTH  0.008
#define INDEX_OPACITY_ALONE 0.06
#define SETTLE_US           (180 * G_TIME_SPAN_MILLISECOND)
#define DEFAULT_BUDGET      (G_GUINT64_CONSTANT (256) << 20)
#define MAX_STEPS           4096
#define HALF_MAX            60000.0f  /* below the half-float maximum, 65504 */

enum { DRAG_NONE, DRAG_ORBIT, DRAG_PAN, DRAG_PLANE };

struct _PfmVolumeArea
{
  GtkGLArea        parent_instance;

  /* GL objects (valid between realize and unrealize) */
  gboolean         gl_ready;
  gboolean         es;
  GLuint           volume_program;
  GLuint           lines_program;
  GLuint           vao;
  GLuint           line_vao;
  GLuint           line_vbo;
  GLuint           field_tex;
  GLuint           index_tex;
  GLuint           lut_tex;
  GLuint           lod_fbo;
  GLuint           lod_tex;
  int              lod_w, lod_h;
  GLint            max_3d;
  GLint            max_fb;
  struct {
    GLint inv_view_proj, eye, half, field, index, lut, channel, log, decades, norm;
    GLint index_range, index_opacity, step, ref_step, max_steps, zmap, planes, seed;
    GLint view_proj, color;
  } u;

  /* what the GPU holds */
  const PfmVolumeData *gpu;    /* data, or fitted when data had to shrink */
  PfmVolumeData   *fitted;
  int              fitted_from_nz;
  gboolean         downsampled;
  int              tex_nx, tex_ny, tex_depth, tex_nz;
  float            tex_scale;  /* intensity texture holds I / tex_scale */
  float            dn_scale;   /* index texture holds dn / dn_scale */
  gboolean         full_upload;
  gboolean         lut_dirty;
  guint64          budget;

  /* the scene */
  PfmVolumeData   *data;
  gboolean         streaming;
  PfmTransfer     *tf;
  PfmVolumeChannel channel;
  double           z_compression;   /* 0 = automatic */
  double           index_range;     /* NAN = the volume's largest */
  double           tube[2];         /* m; 0 = the box */
  gboolean         wireframe;
  gboolean         plane_on[3];
  double           plane_pos[3];
  int              hover_plane;
  PfmCamera        camera;
  gboolean         camera_set;
  double           cam_half[3];     /* box the camera was fitted to */
  double           rest_quality;
  double           lod_quality;

  /* interaction */
  gboolean         settling;        /* drawn coarse until the tick says it settled */
  gint64           last_event;
  guint            settle_tick;
  int              drag_mode;
  int              drag_plane;
  double           drag_point[3];
  double           drag_last[2];
  double           zoom_distance;

  GError          *error;
};

G_DEFINE_FINAL_TYPE (PfmVolumeArea, pfm_volume_area, GTK_TYPE_GL_AREA)

enum {
  PROP_0,
  PROP_CHANNEL,
  PROP_Z_COMPRESSION,
  PROP_ERROR,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

enum {
  UPLOADED,
  PLANES_CHANGED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

/* --- geometry ---------------------------------------------------------------------- */

static void
physical_box (PfmVolumeArea *self, double lo[3], double len[3])
{
  if (self->data)
    {
      const PfmVolumeData *d = self->data;
      lo[0] = d->x0 - 0.5 * d->dx;
      lo[1] = d->y0 - 0.5 * d->dy;
      lo[2] = 0;
      len[0] = pfm_volume_data_width (d);
      len[1] = pfm_volume_data_height (d);
      len[2] = d->length > 0 ? d->length : MAX (d->z_last, len[0]);
    }
  else
    {
      lo[0] = lo[1] = -0.5;
      lo[2] = 0;
      len[0] = len[1] = 1;
      len[2] = 8;
    }
}

double
pfm_volume_area_get_effective_z_compression (PfmVolumeArea *self)
{
  g_return_val_if_fail (PFM_IS_VOLUME_AREA (self), 1);
  if (self->z_compression > 0)
    return self->z_compression;
  double lo[3], len[3];
  physical_box (self, lo, len);
  return pfm_volume_auto_z_compression (MAX (len[0], len[1]), len[2], 3.0);
}

void
pfm_volume_area_get_box (PfmVolumeArea *self, double half[3])
{
  double lo[3], len[3];
  physical_box (self, lo, len);
  pfm_volume_box_half_extents (len[0], len[1], len[2], pfm_volume_area_get_effective_z_compression (self), half);
}

void
pfm_volume_area_world_from_physical (PfmVolumeArea *self, const double p[3], double world[3])
{
  g_return_if_fail (PFM_IS_VOLUME_AREA (self));
  double lo[3], len[3], half[3];
  physical_box (self, lo, len);
  pfm_volume_area_get_box (self, half);
  for (int a = 0; a < 3; a++)
    world[a] = ((p[a] - lo[a]) / len[a] - 0.5) * 2 * half[a];
}

static double
aspect (PfmVolumeArea *self)
{
  const int w = gtk_widget_get_width (GTK_WIDGET (self)), h = gtk_widget_get_height (GTK_WIDGET (self));
  return w > 0 && h > 0 ? (double) w / h : 4.0 / 3.0;
}

/* Refits the camera when the box changes shape (first data, other z
 * compression), keeping the direction the user chose. */
static void
update_camera_box (PfmVolumeArea *self)
{
  double half[3];
  pfm_volume_area_get_box (self, half);
  if (!self->camera_set)
    {
      pfm_camera_reset (&self->camera, half, PFM_CAMERA_OBLIQUE, aspect (self));
      self->camera_set = TRUE;
    }
  else if (fabs (half[0] - self->cam_half[0]) > 1e-6 * half[0] ||
           fabs (half[1] - self->cam_half[1]) > 1e-6 * half[1] ||
           fabs (half[2] - self->cam_half[2]) > 1e-6 * half[2])
    {
      double r = sqrt (half[0] * half[0] + half[1] * half[1] + half[2] * half[2]);
      double old = self->camera.radius > 0 ? self->camera.radius : r;
      self->camera.distance *= r / old;
      for (int a = 0; a < 3; a++)
        self->camera.target[a] *= r / old;
      self->camera.radius = r;
    }
  memcpy (self->cam_half, half, sizeof half);
}

/* --- GL setup ------------------------------------------------------------------------ */

static void
set_error (PfmVolumeArea *self, GError *error)
{
  /* Takes @error. */
  if (self->error == NULL)
    {
      self->error = error;
      g_message ("3D view unavailable: %s", error->message);
      gtk_gl_area_set_error (GTK_GL_AREA (self), error);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
    }
  else
    g_error_free (error);
}

static void
delete_textures (PfmVolumeArea *self)
{
  GLuint t[] = { self->field_tex, self->index_tex };
  glDeleteTextures (G_N_ELEMENTS (t), t);
  self->field_tex = self->index_tex = 0;
  self->tex_nx = self->tex_ny = self->tex_depth = self->tex_nz = 0;
  self->full_upload = TRUE;
}

static void
pfm_volume_area_realize (GtkWidget *widget)
{
  PfmVolumeArea *self = PFM_VOLUME_AREA (widget);
  GTK_WIDGET_CLASS (pfm_volume_area_parent_class)->realize (widget);

  gtk_gl_area_make_current (GTK_GL_AREA (self));
  GError *area_error = gtk_gl_area_get_error (GTK_GL_AREA (self));
  if (area_error != NULL)
    {
      /* No context: keep GTK's reason (it is the one to show). */
      if (self->error == NULL)
        {
          self->error = g_error_copy (area_error);
          g_message ("3D view unavailable: %s", area_error->message);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
        }
      return;
    }
  GdkGLContext *context = gtk_gl_area_get_context (GTK_GL_AREA (self));
  int major = 0, minor = 0;
  gdk_gl_context_get_version (context, &major, &minor);
  self->es = gdk_gl_context_get_use_es (context);
  if ((self->es && major < 3) || (!self->es && (major < 3 || (major == 3 && minor < 3))))
    {
      set_error (self, g_error_new (PFM_GL_ERROR, PFM_GL_ERROR_VERSION,
                                    "the volume renderer needs OpenGL 3.3 or OpenGL ES 3.0; this context is %s %d.%d",
                                    self->es ? "OpenGL ES" : "OpenGL", major, minor));
      return;
    }

  GError *error = NULL;
  self->volume_program = pfm_gl_program_from_resources ("pfm-volume.vert", "pfm-volume.frag", self->es, &error);
  if (self->volume_program == 0)
    {
      set_error (self, error);
      return;
    }
  self->lines_program = pfm_gl_program_from_resources ("pfm-lines.vert", "pfm-lines.frag", self->es, &error);
  if (self->lines_program == 0)
    {
      set_error (self, error);
      return;
    }

  static const struct { const char *name; gsize offset; } uniforms[] = {
#define U(n) { "u_" #n, G_STRUCT_OFFSET (PfmVolumeArea, u.n) }
    U (inv_view_proj), U (eye), U (half), U (field), U (index), U (lut), U (channel), U (log), U (decades),
    U (norm), U (index_range), U (index_opacity), U (step), U (ref_step), U (max_steps), U (zmap), U (planes),
    U (seed),
#undef U
  };
  for (guint i = 0; i < G_N_ELEMENTS (uniforms); i++)
    G_STRUCT_MEMBER (GLint, self, uniforms[i].offset) = glGetUniformLocation (self->volume_program, uniforms[i].name);
  self->u.view_proj = glGetUniformLocation (self->lines_program, "u_view_proj");
  self->u.color = glGetUniformLocation (self->lines_program, "u_color");

  glGetIntegerv (GL_MAX_3D_TEXTURE_SIZE, &self->max_3d);
  GLint dims[2] = { 0, 0 }, tex = 0;
  glGetIntegerv (GL_MAX_VIEWPORT_DIMS, dims);
  glGetIntegerv (GL_MAX_TEXTURE_SIZE, &tex);
  self->max_fb = MIN (MIN (dims[0], dims[1]), tex);

  glGenVertexArrays (1, &self->vao);
  glGenVertexArrays (1, &self->line_vao);
  glGenBuffers (1, &self->line_vbo);
  glBindVertexArray (self->line_vao);
  glBindBuffer (GL_ARRAY_BUFFER, self->line_vbo);
  glEnableVertexAttribArray (0);
  glVertexAttribPointer (0, 3, GL_FLOAT, GL_FALSE, 3 * sizeof (float), NULL);
  glBindVertexArray (0);

  glGenTextures (1, &self->lut_tex);
  glBindTexture (GL_TEXTURE_2D, self->lut_tex);
  glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  self->lut_dirty = TRUE;
  self->full_upload = TRUE;
  self->gl_ready = TRUE;
}

static void
pfm_volume_area_unrealize (GtkWidget *widget)
{
  PfmVolumeArea *self = PFM_VOLUME_AREA (widget);
  if (gtk_gl_area_get_context (GTK_GL_AREA (self)) != NULL)
    {
      gtk_gl_area_make_current (GTK_GL_AREA (self));
      delete_textures (self);
      glDeleteTextures (1, &self->lut_tex);
      glDeleteTextures (1, &self->lod_tex);
      glDeleteFramebuffers (1, &self->lod_fbo);
      glDeleteBuffers (1, &self->line_vbo);
      glDeleteVertexArrays (1, &self->vao);
      glDeleteVertexArrays (1, &self->line_vao);
      if (self->volume_program)
        glDeleteProgram (self->volume_program);
      if (self->lines_program)
        glDeleteProgram (self->lines_program);
    }
  self->lut_tex = self->lod_tex = self->lod_fbo = self->line_vbo = self->vao = self->line_vao = 0;
  self->volume_program = self->lines_program = 0;
  self->lod_w = self->lod_h = 0;
  self->gl_ready = FALSE;
  g_clear_pointer (&self->fitted, pfm_volume_data_free);
  self->gpu = NULL;
  GTK_WIDGET_CLASS (pfm_volume_area_parent_class)->unrealize (widget);
}

static void
pfm_volume_area_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  GTK_WIDGET_CLASS (pfm_volume_area_parent_class)->size_allocate (widget, width, height, baseline);
  /* Auto-render is off: a new size needs a new frame. */
  gtk_gl_area_queue_render (GTK_GL_AREA (widget));
}

/* --- uploads ------------------------------------------------------------------------- */

static void
texture_params (void)
{
  glTexParameteri (GL_TEXTURE_3D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri (GL_TEXTURE_3D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glTexParameteri (GL_TEXTURE_3D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri (GL_TEXTURE_3D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glTexParameteri (GL_TEXTURE_3D, GL_TEXTURE_WRAP_R, GL_CLAMP_TO_EDGE);
}

/* Slices [k0, k1) of @src scaled by 1/@scale into the bound 3D texture
 * (allocating it first when @allocate, @depth slices deep). */
static void
upload_slices (const float *src, int nx, int ny, int k0, int k1, int depth, float scale, gboolean allocate)
{
  const gsize slice = (gsize) nx * ny;
  const gsize n = slice * (k1 - k0);
  g_autofree float *buf = g_new (float, MAX (n, 1));
  const float inv = scale > 0 ? 1.0f / scale : 1.0f;
  for (gsize i = 0; i < n; i++)
    {
      float v = src ? src[slice * k0 + i] * inv : 0.0f;
      buf[i] = isfinite (v) ? CLAMP (v, -HALF_MAX, HALF_MAX) : 0.0f;
    }
  glPixelStorei (GL_UNPACK_ALIGNMENT, 4);
  if (allocate)
    glTexImage3D (GL_TEXTURE_3D, 0, GL_R16F, nx, ny, depth, 0, GL_RED, GL_FLOAT, NULL);
  if (k1 > k0)
    glTexSubImage3D (GL_TEXTURE_3D, 0, 0, 0, k0, nx, ny, k1 - k0, GL_RED, GL_FLOAT, buf);
}

static void
upload_volume (PfmVolumeArea *self)
{
  if (self->data == NULL || self->data->nz == 0)
    return;
  const PfmVolumeData *d = self->data;
  const int bpv = d->dn ? 4 : 2;   /* two half floats */
  const int max_side = MAX (self->max_3d, 1);
  gboolean fits = d->nx <= max_side && d->ny <= max_side && d->capacity <= max_side &&
                  (guint64) d->nx * d->ny * d->capacity * bpv <= self->budget;

  if (!self->full_upload)
    {
      if (self->gpu == d && fits && d->capacity == self->tex_depth &&
          d->max_intensity <= self->tex_scale * HALF_MAX * 0.5)
        {
          /* Streaming: only the new slices. */
          if (d->nz > self->tex_nz)
            {
              glBindTexture (GL_TEXTURE_3D, self->field_tex);
              upload_slices (d->intensity, d->nx, d->ny, self->tex_nz, d->nz, self->tex_depth, self->tex_scale, FALSE);
              self->tex_nz = d->nz;
            }
          return;
        }
      /* A fitted copy is refitted only when streamed slices extend it. */
      if (self->gpu != NULL && self->gpu == self->fitted && (!self->streaming || d->nz == self->fitted_from_nz))
        return;
    }

  g_clear_pointer (&self->fitted, pfm_volume_data_free);
  if (fits)
    {
      self->gpu = d;
      self->downsampled = FALSE;
      self->tex_depth = d->capacity;
    }
  else
    {
      self->fitted = pfm_volume_data_fit (d, max_side, self->budget, bpv, &self->downsampled);
      self->fitted_from_nz = d->nz;
      self->gpu = self->fitted;
      self->tex_depth = self->fitted->nz;
    }
  const PfmVolumeData *g = self->gpu;
  self->tex_nx = g->nx;
  self->tex_ny = g->ny;
  self->tex_nz = g->nz;
  self->tex_scale = g->max_intensity > 0 ? (float) g->max_intensity : 1.0f;
  self->dn_scale = g->max_abs_dn > 0 ? (float) g->max_abs_dn : 1.0f;

  if (self->field_tex == 0)
    glGenTextures (1, &self->field_tex);
  glBindTexture (GL_TEXTURE_3D, self->field_tex);
  texture_params ();
  upload_slices (g->intensity, g->nx, g->ny, 0, g->nz, self->tex_depth, self->tex_scale, TRUE);

  if (self->index_tex == 0)
    glGenTextures (1, &self->index_tex);
  glBindTexture (GL_TEXTURE_3D, self->index_tex);
  texture_params ();
  if (g->dn)
    upload_slices (g->dn, g->nx, g->ny, 0, g->nz, self->tex_depth, self->dn_scale, TRUE);
  else
    upload_slices (NULL, 1, 1, 0, 1, 1, 1, TRUE);
  self->full_upload = FALSE;
  g_signal_emit (self, signals[UPLOADED], 0);
}

static void
upload_lut (PfmVolumeArea *self)
{
  guint8 rgba[PFM_TRANSFER_LUT_SIZE * 4 * 2];
  pfm_transfer_bake (self->tf, rgba);
  glBindTexture (GL_TEXTURE_2D, self->lut_tex);
  glPixelStorei (GL_UNPACK_ALIGNMENT, 4);
  glTexImage2D (GL_TEXTURE_2D, 0, GL_RGBA8, PFM_TRANSFER_LUT_SIZE, 2, 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
  self->lut_dirty = FALSE;
}

/* --- drawing ------------------------------------------------------------------------- */

static gboolean
coarse (PfmVolumeArea *self)
{
  return self->settling || self->streaming;
}

typedef struct
{
  float *v;
  int    n;   /* vertices */
} Lines;

static void
add_line (Lines *l, const double a[3], const double b[3])
{
  for (int i = 0; i < 3; i++)
    l->v[3 * l->n + i] = (float) a[i];
  for (int i = 0; i < 3; i++)
    l->v[3 * l->n + 3 + i] = (float) b[i];
  l->n += 2;
}

/* The 12 edges of the box [lo, hi]: into @back those whose two faces
 * both look away from the eye (hidden behind the volume), into @front the
 * rest. */
static void
box_edges (const double lo[3], const double hi[3], const double eye[3], Lines *back, Lines *front)
{
  for (int a = 0; a < 3; a++)
    {
      const int b = (a + 1) % 3, c = (a + 2) % 3;
      for (int sb = 0; sb < 2; sb++)
        for (int sc = 0; sc < 2; sc++)
          {
            double p[3], q[3];
            p[a] = lo[a];
            q[a] = hi[a];
            p[b] = q[b] = sb ? hi[b] : lo[b];
            p[c] = q[c] = sc ? hi[c] : lo[c];
            gboolean fb = sb ? eye[b] > hi[b] : eye[b] < lo[b];
            gboolean fc = sc ? eye[c] > hi[c] : eye[c] < lo[c];
            add_line (fb || fc ? front : back, p, q);
          }
    }
}

static void
draw_lines (PfmVolumeArea *self, const Lines *l, int first, int count, const float color[4])
{
  if (count <= 0)
    return;
  glUniform4fv (self->u.color, 1, color);
  glDrawArrays (GL_LINES, first, count);
}

static void
draw_scene (PfmVolumeArea *self, GLuint fbo, int width, int height, gboolean lod)
{
  glBindFramebuffer (GL_FRAMEBUFFER, fbo);
  glViewport (0, 0, width, height);
  glDisable (GL_DEPTH_TEST);
  glDisable (GL_CULL_FACE);
  glDisable (GL_SCISSOR_TEST);
  glClearColor (0.055f, 0.058f, 0.07f, 1.0f);
  glClear (GL_COLOR_BUFFER_BIT);

  if (self->lut_dirty)
    upload_lut (self);
  upload_volume (self);

  double half[3], eye[3];
  pfm_volume_area_get_box (self, half);
  update_camera_box (self);
  pfm_camera_eye (&self->camera, eye);
  float vp[16], inv[16];
  pfm_camera_view_projection (&self->camera, (double) width / MAX (height, 1), vp);
  if (!pfm_mat4_invert (vp, inv))
    return;

  /* The tube's core, else the box. */
  double tlo[3], thi[3];
  {
    double plo[3], len[3];
    physical_box (self, plo, len);
    double a[3] = { self->tube[0] > 0 ? -0.5 * self->tube[0] : plo[0],
                    self->tube[1] > 0 ? -0.5 * self->tube[1] : plo[1], 0 };
    double b[3] = { self->tube[0] > 0 ? 0.5 * self->tube[0] : plo[0] + len[0],
                    self->tube[1] > 0 ? 0.5 * self->tube[1] : plo[1] + len[1], len[2] };
    pfm_volume_area_world_from_physical (self, a, tlo);
    pfm_volume_area_world_from_physical (self, b, thi);
  }
  float verts[3 * (24 + 3 * 8)];
  float vback[3 * 24];
  Lines back = { vback, 0 }, front = { verts, 0 };
  if (self->wireframe)
    box_edges (tlo, thi, eye, &back, &front);
  const int n_front = front.n;
  for (int a = 0; a < 3; a++)
    {
      if (!self->plane_on[a])
        continue;
      const int b = (a + 1) % 3, c = (a + 2) % 3;
      double p[4][3];
      for (int k = 0; k < 4; k++)
        {
          p[k][a] = (self->plane_pos[a] - 0.5) * 2 * half[a];
          p[k][b] = (k == 1 || k == 2) ? half[b] : -half[b];
          p[k][c] = (k >= 2) ? half[c] : -half[c];
        }
      for (int k = 0; k < 4; k++)
        add_line (&front, p[k], p[(k + 1) % 4]);
    }
  /* One buffer: back edges, then front edges and plane outlines. */
  memmove (verts + 3 * back.n, verts, 3 * front.n * sizeof (float));
  memcpy (verts, vback, 3 * back.n * sizeof (float));
  glBindVertexArray (self->line_vao);
  glBindBuffer (GL_ARRAY_BUFFER, self->line_vbo);
  glBufferData (GL_ARRAY_BUFFER, 3 * (back.n + front.n) * sizeof (float), verts, GL_STREAM_DRAW);

  glEnable (GL_BLEND);
  glBlendFuncSeparate (GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ZERO, GL_ONE);
  glUseProgram (self->lines_program);
  glUniformMatrix4fv (self->u.view_proj, 1, GL_FALSE, vp);
  static const float edge_back[4] = { 0.62f, 0.68f, 0.78f, 0.45f };
  static const float edge_front[4] = { 0.80f, 0.85f, 0.95f, 0.85f };
  draw_lines (self, &back, 0, back.n, edge_back);

  if (self->gpu != NULL && self->tex_nz > 0)
    {
      const PfmVolumeData *g = self->gpu;
      double zs, zo, zmin, zmax;
      pfm_volume_data_z_mapping (g, self->tex_depth, &zs, &zo, &zmin, &zmax);
      const double q = lod ? self->lod_quality : self->rest_quality;
      const double voxel = MIN (MIN (2 * half[0] / MAX (g->nx, 1), 2 * half[1] / MAX (g->ny, 1)),
                                2 * half[2] * MAX (zmax - zmin, 1e-3) / MAX (g->nz, 1));
      const double step = voxel / MAX (q, 1e-3);
      const double diag = 2 * sqrt (half[0] * half[0] + half[1] * half[1] + half[2] * half[2]);
      const double max_i = self->data ? self->data->max_intensity : g->max_intensity;
      const double range = isfinite (self->index_range) && self->index_range > 0 ? self->index_range
                           : (g->max_abs_dn > 0 ? g->max_abs_dn : 1);

      glBlendFuncSeparate (GL_ONE, GL_ONE_MINUS_SRC_ALPHA, GL_ZERO, GL_ONE);
      glUseProgram (self->volume_program);
      glUniformMatrix4fv (self->u.inv_view_proj, 1, GL_FALSE, inv);
      glUniform3f (self->u.eye, (float) eye[0], (float) eye[1], (float) eye[2]);
      glUniform3f (self->u.half, (float) half[0], (float) half[1], (float) half[2]);
      glUniform1i (self->u.channel, self->channel);
      glUniform1i (self->u.log, self->tf->log_scale);
      glUniform1f (self->u.decades, (float) self->tf->decades);
      glUniform1f (self->u.norm, max_i > 0 ? (float) (max_i / self->tex_scale) : 1.0f);
      glUniform1f (self->u.index_range, (float) (range / self->dn_scale));
      glUniform1f (self->u.index_opacity, self->channel == PFM_VOLUME_CHANNEL_INDEX ? INDEX_OPACITY_ALONE
                                                                                   : INDEX_OPACITY_BOTH);
      glUniform1f (self->u.step, (float) step);
      glUniform1f (self->u.ref_step, REF_STEP);
      glUniform1i (self->u.max_steps, (int) MIN (MAX_STEPS, ceil (diag / step) + 2));
      glUniform4f (self->u.zmap, (float) zs, (float) zo, (float) zmin, (float) zmax);
      glUniform3f (self->u.planes, self->plane_on[0] ? (float) self->plane_pos[0] : -1.0f,
                   self->plane_on[1] ? (float) self->plane_pos[1] : -1.0f,
                   self->plane_on[2] ? (float) self->plane_pos[2] : -1.0f);
      glUniform1f (self->u.seed, 0.0f);
      glActiveTexture (GL_TEXTURE0);
      glBindTexture (GL_TEXTURE_3D, self->field_tex);
      glActiveTexture (GL_TEXTURE1);
      glBindTexture (GL_TEXTURE_3D, self->index_tex);
      glActiveTexture (GL_TEXTURE2);
      glBindTexture (GL_TEXTURE_2D, self->lut_tex);
      glActiveTexture (GL_TEXTURE0);
      glUniform1i (self->u.field, 0);
      glUniform1i (self->u.index, 1);
      glUniform1i (self->u.lut, 2);
      glBindVertexArray (self->vao);
      glDrawArrays (GL_TRIANGLES, 0, 3);
    }

  glBlendFuncSeparate (GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ZERO, GL_ONE);
  glUseProgram (self->lines_program);
  glBindVertexArray (self->line_vao);
  draw_lines (self, &front, back.n, n_front, edge_front);
  static const float plane_colors[3][4] = {
    { 1.0f, 0.45f, 0.45f, 0.9f }, { 0.5f, 1.0f, 0.55f, 0.9f }, { 0.45f, 0.7f, 1.0f, 0.9f },
  };
  int first = back.n + n_front;
  for (int a = 0; a < 3; a++)
    if (self->plane_on[a])
      {
        float c[4];
        memcpy (c, plane_colors[a], sizeof c);
        if (a != self->hover_plane && !(self->drag_mode == DRAG_PLANE && self->drag_plane == a))
          c[3] = 0.55f;
        draw_lines (self, &front, first, 8, c);
        first += 8;
      }
  glBindVertexArray (0);
  glUseProgram (0);
  glDisable (GL_BLEND);
}

static gboolean
ensure_lod_target (PfmVolumeArea *self, int w, int h)
{
  if (self->lod_fbo && self->lod_w == w && self->lod_h == h)
    return TRUE;
  glDeleteFramebuffers (1, &self->lod_fbo);
  glDeleteTextures (1, &self->lod_tex);
  self->lod_fbo = self->lod_tex = 0;
  GError *error = NULL;
  self->lod_fbo = pfm_gl_framebuffer_new (w, h, &self->lod_tex, &error);
  if (self->lod_fbo == 0)
    {
      set_error (self, error);
      return FALSE;
    }
  self->lod_w = w;
  self->lod_h = h;
  return TRUE;
}

static gboolean
pfm_volume_area_render (GtkGLArea *area, GdkGLContext *context)
{
  PfmVolumeArea *self = PFM_VOLUME_AREA (area);
  if (!self->gl_ready || self->error)
    return TRUE;
  GLint target = 0;
  glGetIntegerv (GL_DRAW_FRAMEBUFFER_BINDING, &target);
  const int scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  const int w = gtk_widget_get_width (GTK_WIDGET (self)) * scale;
  const int h = gtk_widget_get_height (GTK_WIDGET (self)) * scale;
  if (w <= 0 || h <= 0)
    return TRUE;
  if (coarse (self))
    {
      const int lw = MAX (1, w / 2), lh = MAX (1, h / 2);
      if (!ensure_lod_target (self, lw, lh))
        return TRUE;
      draw_scene (self, self->lod_fbo, lw, lh, TRUE);
      glBindFramebuffer (GL_READ_FRAMEBUFFER, self->lod_fbo);
      glBindFramebuffer (GL_DRAW_FRAMEBUFFER, target);
      glBlitFramebuffer (0, 0, lw, lh, 0, 0, w, h, GL_COLOR_BUFFER_BIT, GL_LINEAR);
    }
  else
    draw_scene (self, target, w, h, FALSE);
  glBindFramebuffer (GL_FRAMEBUFFER, target);
  return TRUE;
}

guint8 *
pfm_volume_area_render_pixels (PfmVolumeArea *self, int width, int height, gboolean interactive, GError **error)
{
  g_return_val_if_fail (PFM_IS_VOLUME_AREA (self), NULL);
  g_return_val_if_fail (width > 0 && height > 0, NULL);
  if (self->error)
    {
      g_set_error (error, PFM_GL_ERROR, PFM_GL_ERROR_VERSION, "the 3D view is unavailable: %s", self->error->message);
      return NULL;
    }
  if (!self->gl_ready)
    {
      g_set_error (error, PFM_GL_ERROR, PFM_GL_ERROR_VERSION, "the 3D view has not been shown yet");
      return NULL;
    }
  if (width > self->max_fb || height > self->max_fb)
    {
      g_set_error (error, PFM_GL_ERROR, PFM_GL_ERROR_LIMIT,
                   "%d × %d is larger than this GPU renders (%d pixels a side)", width, height, self->max_fb);
      return NULL;
    }
  gtk_gl_area_make_current (GTK_GL_AREA (self));
  GLint previous = 0;
  glGetIntegerv (GL_FRAMEBUFFER_BINDING, &previous);
  GLuint tex = 0;
  GLuint fbo = pfm_gl_framebuffer_new (width, height, &tex, error);
  if (fbo == 0)
    return NULL;
  if (interactive)
    {
      /* As on screen: half the resolution, scaled up. */
      const int lw = MAX (1, width / 2), lh = MAX (1, height / 2);
      if (!ensure_lod_target (self, lw, lh))
        {
          g_set_error (error, PFM_GL_ERROR, PFM_GL_ERROR_FRAMEBUFFER, "%s", self->error->message);
          glBindFramebuffer (GL_FRAMEBUFFER, previous);
          glDeleteFramebuffers (1, &fbo);
          glDeleteTextures (1, &tex);
          return NULL;
        }
      draw_scene (self, self->lod_fbo, lw, lh, TRUE);
      glBindFramebuffer (GL_READ_FRAMEBUFFER, self->lod_fbo);
      glBindFramebuffer (GL_DRAW_FRAMEBUFFER, fbo);
      glBlitFramebuffer (0, 0, lw, lh, 0, 0, width, height, GL_COLOR_BUFFER_BIT, GL_LINEAR);
    }
  else
    draw_scene (self, fbo, width, height, FALSE);
  const gsize stride = (gsize) width * 4;
  guint8 *pixels = g_malloc (stride * height);
  g_autofree guint8 *row = g_malloc (stride);
  glBindFramebuffer (GL_READ_FRAMEBUFFER, fbo);
  glPixelStorei (GL_PACK_ALIGNMENT, 4);
  glReadPixels (0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, pixels);
  /* GL's rows start at the bottom. */
  for (int y = 0; y < height / 2; y++)
    {
      memcpy (row, pixels + y * stride, stride);
      memcpy (pixels + y * stride, pixels + (height - 1 - y) * stride, stride);
      memcpy (pixels + (height - 1 - y) * stride, row, stride);
    }
  glBindFramebuffer (GL_FRAMEBUFFER, previous);
  glDeleteFramebuffers (1, &fbo);
  glDeleteTextures (1, &tex);
  return pixels;
}

/* --- interaction --------------------------------------------------------------------- */

static gboolean
settle_tick_cb (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  PfmVolumeArea *self = PFM_VOLUME_AREA (widget);
  if (self->drag_mode != DRAG_NONE || g_get_monotonic_time () - self->last_event < SETTLE_US)
    return G_SOURCE_CONTINUE;
  self->settling = FALSE;
  self->settle_tick = 0;
  gtk_gl_area_queue_render (GTK_GL_AREA (self));
  return G_SOURCE_REMOVE;
}

/* Something moved: draw coarse frames until things settle. */
static void
touched (PfmVolumeArea *self)
{
  self->last_event = g_get_monotonic_time ();
  self->settling = TRUE;
  if (self->settle_tick == 0)
    self->settle_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), settle_tick_cb, NULL, NULL);
  gtk_gl_area_queue_render (GTK_GL_AREA (self));
}

/* The enabled slice plane under pixel (x, y), nearest first; -1 if none. */
static int
pick_plane (PfmVolumeArea *self, double x, double y, double hit[3])
{
  const int w = gtk_widget_get_width (GTK_WIDGET (self)), h = gtk_widget_get_height (GTK_WIDGET (self));
  double o[3], d[3], half[3], tn, tf;
  pfm_volume_area_get_box (self, half);
  pfm_camera_pixel_ray (&self->camera, w, h, x, y, o, d);
  if (!pfm_ray_box (o, d, half, &tn, &tf))
    return -1;
  int best = -1;
  double best_t = tf;
  for (int a = 0; a < 3; a++)
    {
      if (!self->plane_on[a] || fabs (d[a]) < 1e-9)
        continue;
      double t = ((self->plane_pos[a] - 0.5) * 2 * half[a] - o[a]) / d[a];
      if (t >= tn && t <= best_t)
        {
          best = a;
          best_t = t;
        }
    }
  if (best >= 0 && hit)
    for (int i = 0; i < 3; i++)
      hit[i] = o[i] + best_t * d[i];
  return best;
}

static void
set_hover (PfmVolumeArea *self, int plane)
{
  if (self->hover_plane == plane)
    return;
  self->hover_plane = plane;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), plane >= 0 ? "move" : NULL);
  gtk_gl_area_queue_render (GTK_GL_AREA (self));
}

static void
motion_cb (GtkEventControllerMotion *motion, double x, double y, PfmVolumeArea *self)
{
  if (self->drag_mode == DRAG_NONE)
    set_hover (self, pick_plane (self, x, y, NULL));
}

static void
leave_cb (GtkEventControllerMotion *motion, PfmVolumeArea *self)
{
  if (self->drag_mode == DRAG_NONE)
    set_hover (self, -1);
}

static void
drag_begin_cb (GtkGestureDrag *gesture, double x, double y, PfmVolumeArea *self)
{
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));
  GdkModifierType mods = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));
  gtk_widget_grab_focus (GTK_WIDGET (self));
  self->drag_last[0] = self->drag_last[1] = 0;
  if (button == GDK_BUTTON_MIDDLE || button == GDK_BUTTON_SECONDARY || (mods & GDK_SHIFT_MASK))
    self->drag_mode = DRAG_PAN;
  else if ((self->drag_plane = pick_plane (self, x, y, self->drag_point)) >= 0)
    self->drag_mode = DRAG_PLANE;
  else
    self->drag_mode = DRAG_ORBIT;
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  touched (self);
}

static void
drag_update_cb (GtkGestureDrag *gesture, double ox, double oy, PfmVolumeArea *self)
{
  const double dx = ox - self->drag_last[0], dy = oy - self->drag_last[1];
  self->drag_last[0] = ox;
  self->drag_last[1] = oy;
  const int w = gtk_widget_get_width (GTK_WIDGET (self)), h = gtk_widget_get_height (GTK_WIDGET (self));
  switch (self->drag_mode)
    {
    case DRAG_ORBIT:
      pfm_camera_orbit (&self->camera, -dx * 0.008, dy * 0.008);
      break;
    case DRAG_PAN:
      pfm_camera_pan (&self->camera, dx, dy, h);
      break;
    case DRAG_PLANE:
      {
        const int a = self->drag_plane;
        double half[3];
        pfm_volume_area_get_box (self, half);
        double move = pfm_camera_drag_along_axis (&self->camera, w, h, self->drag_point, a, dx, dy);
        double pos = CLAMP (self->plane_pos[a] + move / (2 * half[a]), 0.0, 1.0);
        self->drag_point[a] = (pos - 0.5) * 2 * half[a];
        if (pos != self->plane_pos[a])
          {
            self->plane_pos[a] = pos;
            g_signal_emit (self, signals[PLANES_CHANGED], 0);
          }
      }
      break;
    default:
      return;
    }
  touched (self);
}

static void
drag_end_cb (GtkGestureDrag *gesture, double ox, double oy, PfmVolumeArea *self)
{
  self->drag_mode = DRAG_NONE;
  touched (self);
}

static gboolean
scroll_cb (GtkEventControllerScroll *scroll, double dx, double dy, PfmVolumeArea *self)
{
  GdkModifierType mods = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (scroll));
  const int h = gtk_widget_get_height (GTK_WIDGET (self));
  if (gtk_event_controller_scroll_get_unit (scroll) == GDK_SCROLL_UNIT_WHEEL)
    pfm_camera_zoom (&self->camera, pow (1.12, dy));
  else if (mods & GDK_CONTROL_MASK)
    pfm_camera_zoom (&self->camera, exp (dy * 0.01));
  else if (mods & GDK_SHIFT_MASK)
    pfm_camera_pan (&self->camera, -dx, -dy, h);
  else
    /* Two fingers on a touchpad turn the tube. */
    pfm_camera_orbit (&self->camera, -dx * 0.006, dy * 0.006);
  touched (self);
  return TRUE;
}

static void
zoom_begin_cb (GtkGesture *gesture, GdkEventSequence *sequence, PfmVolumeArea *self)
{
  self->zoom_distance = self->camera.distance;
}

static void
zoom_scale_cb (GtkGestureZoom *gesture, double scale, PfmVolumeArea *self)
{
  if (scale > 0)
    {
      pfm_camera_zoom (&self->camera, self->zoom_distance / scale / self->camera.distance);
      touched (self);
    }
}

static gboolean
key_pressed_cb (GtkEventControllerKey *key, guint keyval, guint keycode, GdkModifierType state, PfmVolumeArea *self)
{
  const gboolean shift = (state & GDK_SHIFT_MASK) != 0;
  const double step = 5 * G_PI / 180;
  const int h = gtk_widget_get_height (GTK_WIDGET (self));
  switch (keyval)
    {
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      shift ? pfm_camera_pan (&self->camera, -20, 0, h) : pfm_camera_orbit (&self->camera, step, 0);
      break;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      shift ? pfm_camera_pan (&self->camera, 20, 0, h) : pfm_camera_orbit (&self->camera, -step, 0);
      break;
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      shift ? pfm_camera_pan (&self->camera, 0, -20, h) : pfm_camera_orbit (&self->camera, 0, -step);
      break;
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      shift ? pfm_camera_pan (&self->camera, 0, 20, h) : pfm_camera_orbit (&self->camera, 0, step);
      break;
    case GDK_KEY_plus:
    case GDK_KEY_equal:
    case GDK_KEY_KP_Add:
      pfm_camera_zoom (&self->camera, 1 / 1.15);
      break;
    case GDK_KEY_minus:
    case GDK_KEY_KP_Subtract:
      pfm_camera_zoom (&self->camera, 1.15);
      break;
    case GDK_KEY_Home:
    case GDK_KEY_0:
    case GDK_KEY_KP_0:
      pfm_volume_area_reset_view (self, PFM_CAMERA_OBLIQUE);
      return TRUE;
    case GDK_KEY_1:
    case GDK_KEY_KP_1:
      pfm_volume_area_reset_view (self, PFM_CAMERA_SIDE);
      return TRUE;
    case GDK_KEY_2:
    case GDK_KEY_KP_2:
      pfm_volume_area_reset_view (self, PFM_CAMERA_END_ON);
      return TRUE;
    default:
      return FALSE;
    }
  touched (self);
  return TRUE;
}

/* --- GObject ------------------------------------------------------------------------- */

static void
pfm_volume_area_dispose (GObject *object)
{
  PfmVolumeArea *self = PFM_VOLUME_AREA (object);
  if (self->settle_tick)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->settle_tick);
      self->settle_tick = 0;
    }
  G_OBJECT_CLASS (pfm_volume_area_parent_class)->dispose (object);
}

static void
pfm_volume_area_finalize (GObject *object)
{
  PfmVolumeArea *self = PFM_VOLUME_AREA (object);
  g_clear_pointer (&self->data, pfm_volume_data_free);
  g_clear_pointer (&self->fitted, pfm_volume_data_free);
  g_clear_pointer (&self->tf, pfm_transfer_free);
  g_clear_error (&self->error);
  G_OBJECT_CLASS (pfm_volume_area_parent_class)->finalize (object);
}

static void
pfm_volume_area_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  PfmVolumeArea *self = PFM_VOLUME_AREA (object);
  switch (prop_id)
    {
    case PROP_CHANNEL:
      g_value_set_int (value, self->channel);
      break;
    case PROP_Z_COMPRESSION:
      g_value_set_double (value, self->z_compression);
      break;
    case PROP_ERROR:
      g_value_set_boxed (value, self->error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pfm_volume_area_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  PfmVolumeArea *self = PFM_VOLUME_AREA (object);
  switch (prop_id)
    {
    case PROP_CHANNEL:
      pfm_volume_area_set_channel (self, g_value_get_int (value));
      break;
    case PROP_Z_COMPRESSION:
      pfm_volume_area_set_z_compression (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pfm_volume_area_class_init (PfmVolumeAreaClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkGLAreaClass *area_class = GTK_GL_AREA_CLASS (klass);

  object_class->dispose = pfm_volume_area_dispose;
  object_class->finalize = pfm_volume_area_finalize;
  object_class->get_property = pfm_volume_area_get_property;
  object_class->set_property = pfm_volume_area_set_property;
  widget_class->realize = pfm_volume_area_realize;
  widget_class->unrealize = pfm_volume_area_unrealize;
  widget_class->size_allocate = pfm_volume_area_size_allocate;
  area_class->render = pfm_volume_area_render;

  properties[PROP_CHANNEL] = g_param_spec_int ("channel", NULL, NULL, PFM_VOLUME_CHANNEL_FIELD, PFM_VOLUME_CHANNEL_BOTH,
                                               PFM_VOLUME_CHANNEL_FIELD,
                                               G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_Z_COMPRESSION] = g_param_spec_double ("z-compression", NULL, NULL, 0, 1e6, 0,
                                                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ERROR] = g_param_spec_boxed ("error", NULL, NULL, G_TYPE_ERROR,
                                               G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[UPLOADED] = g_signal_new ("uploaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[PLANES_CHANGED] = g_signal_new ("planes-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  gtk_widget_class_set_css_name (widget_class, "pfm-volume-area");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
pfm_volume_area_init (PfmVolumeArea *self)
{
  self->tf = pfm_transfer_new ();
  self->channel = PFM_VOLUME_CHANNEL_FIELD;
  self->index_range = NAN;
  self->hover_plane = -1;
  self->wireframe = TRUE;
  self->drag_plane = -1;
  self->rest_quality = 1.0;
  self->lod_quality = 0.35;
  self->budget = DEFAULT_BUDGET;
  for (int a = 0; a < 3; a++)
    self->plane_pos[a] = 0.5;
  self->full_upload = TRUE;

  gtk_gl_area_set_auto_render (GTK_GL_AREA (self), FALSE);
  gtk_gl_area_set_has_depth_buffer (GTK_GL_AREA (self), FALSE);
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);

  GtkGesture *drag = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), 0);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (drag_end_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  GtkGesture *zoom = gtk_gesture_zoom_new ();
  g_signal_connect (zoom, "begin", G_CALLBACK (zoom_begin_cb), self);
  g_signal_connect (zoom, "scale-changed", G_CALLBACK (zoom_scale_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (zoom));
  gtk_gesture_group (zoom, drag);

  GtkEventController *scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect (scroll, "scroll", G_CALLBACK (scroll_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);

  GtkEventController *motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  GtkEventController *key = gtk_event_controller_key_new ();
  g_signal_connect (key, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), key);
}

/* --- API ----------------------------------------------------------------------------- */

GtkWidget *
pfm_volume_area_new (void)
{
  return g_object_new (PFM_TYPE_VOLUME_AREA, NULL);
}

/* The GPU's copy no longer stands for the data (the textures stay
 * allocated and are refilled at the next frame). */
static void
drop_gpu_copy (PfmVolumeArea *self)
{
  self->gpu = NULL;
  g_clear_pointer (&self->fitted, pfm_volume_data_free);
  self->tex_nz = 0;
  self->full_upload = TRUE;
}

static void
data_replaced (PfmVolumeArea *self)
{
  self->full_upload = TRUE;
  update_camera_box (self);
  gtk_gl_area_queue_render (GTK_GL_AREA (self));
}

void
pfm_volume_area_set_data (PfmVolumeArea *self, const PfmVolumeData *data)
{
  g_return_if_fail (PFM_IS_VOLUME_AREA (self));
  g_return_if_fail (data != NULL);
  drop_gpu_copy (self);
  g_clear_pointer (&self->data, pfm_volume_data_free);
  self->data = pfm_volume_data_copy (data);
  self->streaming = FALSE;
  data_replaced (self);
}

const PfmVolumeData *
pfm_volume_area_get_data (PfmVolumeArea *self)
{
  g_return_val_if_fail (PFM_IS_VOLUME_AREA (self), NULL);
  return self->data;
}

void
pfm_volume_area_clear (PfmVolumeArea *self)
{
  g_return_if_fail (PFM_IS_VOLUME_AREA (self));
  drop_gpu_copy (self);
  g_clear_pointer (&self->data, pfm_volume_data_free);
  self->streaming = FALSE;
  gtk_gl_area_queue_render (GTK_GL_AREA (self));
}

void
pfm_volume_area_begin_stream (PfmVolumeArea *self, int nx, int ny, double x0, double y0, double dx, double dy,
                              double length)
{
  g_return_if_fail (PFM_IS_VOLUME_AREA (self));
  g_return_if_fail (nx > 0 && ny > 0);
  drop_gpu_copy (self);
  g_clear_pointer (&self->data, pfm_volume_data_free);
  self->data = pfm_volume_data_new (nx, ny, x0, y0, dx, dy, length, FALSE);
  self->streaming = TRUE;
  data_replaced (self);
}

void
pfm_volume_area_append_slice (PfmVolumeArea *self, double z, const float *intensity)
{
  g_return_if_fail (PFM_IS_VOLUME_AREA (self));
  g_return_if_fail (intensity != NULL);
  if (!self->streaming || self->data == NULL)
    return;
  int capacity = self->data->capacity;
  pfm_volume_data_append_slice (self->data, z, intensity, NULL);
  if (self->data->capacity != capacity || self->data->nz == 1)
    self->full_upload = TRUE;
  gtk_gl_area_queue_render (GTK_GL_AREA (self));
}

gboolean
pfm_volume_area_is_streaming (PfmVolumeArea *self)
{
  g_return_val_if_fail (PFM_IS_VOLUME_AREA (self), FALSE);
  return self->streaming;
}

void
pfm_volume_area_set_tube (PfmVolumeArea *self, double side_x, double side_y)
{
  g_return_if_fail (PFM_IS_VOLUME_AREA (self));
  self->tube[0] = side_x > 0 ? side_x : 0;
  self->tube[1] = side_y > 0 ? side_y : 0;
  gtk_gl_area_queue_render (GTK_GL_AREA (self));
}

void
pfm_volume_area_set_wireframe (PfmVolumeArea *self, gboolean show)
{
  g_return_if_fail (PFM_IS_VOLUME_AREA (self));
  self->wireframe = !!show;
  gtk_gl_area_queue_render (GTK_GL_AREA (self));
}

void
pfm_volume_area_set_index_range (PfmVolumeArea *self, double range)
{
  g_return_if_fail (PFM_IS_VOLUME_AREA (self));
  self->index_range = range;
  gtk_gl_area_queue_render (GTK_GL_AREA (self));
}

void
pfm_volume_area_set_transfer (PfmVolumeArea *self, const PfmTransfer *tf)
{
  g_return_if_fail (PFM_IS_VOLUME_AREA (self));
  g_return_if_fail (tf != NULL && tf->n_points >= 2);
  if (pfm_transfer_equal (self->tf, tf))
    return;
  *self->tf = *tf;
  self->lut_dirty = TRUE;
  gtk_gl_area_queue_render (GTK_GL_AREA (self));
}

const PfmTransfer *
pfm_volume_area_get_transfer (PfmVolumeArea *self)
{
  g_return_val_if_fail (PFM_IS_VOLUME_AREA (self), NULL);
  return self->tf;
}

void
pfm_volume_area_set_channel (PfmVolumeArea *self, PfmVolumeChannel channel)
{
  g_return_if_fail (PFM_IS_VOLUME_AREA (self));
  g_return_if_fail (channel <= PFM_VOLUME_CHANNEL_BOTH);
  if (self->channel == channel)
    return;
  self->channel = channel;
  gtk_gl_area_queue_render (GTK_GL_AREA (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHANNEL]);
}

PfmVolumeChannel
pfm_volume_area_get_channel (PfmVolumeArea *self)
{
  g_return_val_if_fail (PFM_IS_VOLUME_AREA (self), PFM_VOLUME_CHANNEL_FIELD);
  return self->channel;
}

void
pfm_volume_area_set_z_compression (PfmVolumeArea *self, double compression)
{
  g_return_if_fail (PFM_IS_VOLUME_AREA (self));
  compression = compression > 0 ? CLAMP (compression, 0.01, 1e6) : 0;
  if (self->z_compression == compression)
    return;
  self->z_compression = compression;
  update_camera_box (self);
  gtk_gl_area_queue_render (GTK_GL_AREA (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_Z_COMPRESSION]);
}

void
pfm_volume_area_set_slice_plane (PfmVolumeArea *self, int axis, gboolean enabled, double position)
{
  g_return_if_fail (PFM_IS_VOLUME_AREA (self));
  g_return_if_fail (axis >= 0 && axis < 3);
  position = isfinite (position) ? CLAMP (position, 0.0, 1.0) : 0.5;
  if (self->plane_on[axis] == !!enabled && self->plane_pos[axis] == position)
    return;
  self->plane_on[axis] = !!enabled;
  self->plane_pos[axis] = position;
  gtk_gl_area_queue_render (GTK_GL_AREA (self));
  g_signal_emit (self, signals[PLANES_CHANGED], 0);
}

gboolean
pfm_volume_area_get_slice_plane (PfmVolumeArea *self, int axis, double *position)
{
  g_return_val_if_fail (PFM_IS_VOLUME_AREA (self), FALSE);
  g_return_val_if_fail (axis >= 0 && axis < 3, FALSE);
  if (position)
    *position = self->plane_pos[axis];
  return self->plane_on[axis];
}

double
pfm_volume_area_slice_plane_coordinate (PfmVolumeArea *self, int axis)
{
  g_return_val_if_fail (PFM_IS_VOLUME_AREA (self), 0);
  g_return_val_if_fail (axis >= 0 && axis < 3, 0);
  double lo[3], len[3];
  physical_box (self, lo, len);
  return lo[axis] + self->plane_pos[axis] * len[axis];
}

void
pfm_volume_area_reset_view (PfmVolumeArea *self, PfmCameraPreset preset)
{
  g_return_if_fail (PFM_IS_VOLUME_AREA (self));
  double half[3];
  pfm_volume_area_get_box (self, half);
  pfm_camera_reset (&self->camera, half, preset, aspect (self));
  memcpy (self->cam_half, half, sizeof half);
  self->camera_set = TRUE;
  touched (self);
}

const PfmCamera *
pfm_volume_area_get_camera (PfmVolumeArea *self)
{
  g_return_val_if_fail (PFM_IS_VOLUME_AREA (self), NULL);
  update_camera_box (self);
  return &self->camera;
}

void
pfm_volume_area_set_camera (PfmVolumeArea *self, const PfmCamera *camera)
{
  g_return_if_fail (PFM_IS_VOLUME_AREA (self) && camera != NULL);
  update_camera_box (self);
  self->camera = *camera;
  self->camera_set = TRUE;
  gtk_gl_area_queue_render (GTK_GL_AREA (self));
}

void
pfm_volume_area_set_memory_budget (PfmVolumeArea *self, guint64 bytes)
{
  g_return_if_fail (PFM_IS_VOLUME_AREA (self));
  self->budget = MAX (bytes, 4096);
  self->full_upload = TRUE;
  gtk_gl_area_queue_render (GTK_GL_AREA (self));
}

gboolean
pfm_volume_area_get_texture_size (PfmVolumeArea *self, int size[3], gboolean *downsampled)
{
  g_return_val_if_fail (PFM_IS_VOLUME_AREA (self), FALSE);
  if (self->gpu == NULL || self->tex_nz == 0)
    return FALSE;
  size[0] = self->tex_nx;
  size[1] = self->tex_ny;
  size[2] = self->tex_nz;
  if (downsampled)
    *downsampled = self->downsampled;
  return TRUE;
}

const GError *
pfm_volume_area_get_error (PfmVolumeArea *self)
{
  g_return_val_if_fail (PFM_IS_VOLUME_AREA (self), NULL);
  return self->error;
}

void
pfm_volume_area_get_color_bar_spec (PfmVolumeArea *self, PfmColorBarSpec *spec)
{
  g_return_if_fail (PFM_IS_VOLUME_AREA (self) && spec != NULL);
  memset (spec, 0, sizeof *spec);
  spec->colormap = self->tf->colormap;
  if (self->channel == PFM_VOLUME_CHANNEL_INDEX)
    {
      const double r = isfinite (self->index_range) && self->index_range > 0 ? self->index_range
                       : (self->data && self->data->max_abs_dn > 0 ? self->data->max_abs_dn : 1);
      spec->log = FALSE;
      spec->diverging = TRUE;
      spec->min = -r;
      spec->max = r;
      spec->unit = "";
    }
  else
    {
      spec->log = self->tf->log_scale;
      spec->decades = self->tf->decades;
      spec->max = self->data && self->data->max_intensity > 0 ? self->data->max_intensity : 1;
      spec->min = 0;
      spec->unit = "W/m²";
    }
}
