/* pfm-volume-renderer.c - the GL side of the volume area
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every GL object lives in the instance and is made in realize, freed in
 * unrealize.  A frame is: clear, the tube's far edges, the ray-marched
 * volume (premultiplied, blended over them), the near edges and the slice
 * plane outlines.  While the user drags (or slices stream in) the frame is
 * drawn with fewer samples per ray into a half-size framebuffer and
 * scaled up; a tick callback (pfm-volume-input.c) notices when the
 * interaction has settled and asks for one full-quality frame.
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
#include "pfm-volume-area-private.h"

#define REF_STEP            0.01    /* world units an opacity refers to: 1/100 of the width */
#define INDEX_OPACITY_BOTH  0.008
#define INDEX_OPACITY_ALONE 0.06
#define MAX_STEPS           4096
#define HALF_MAX            60000.0f  /* below the half-float maximum, 65504 */

/* --- GL setup ------------------------------------------------------------------------ */

/* Frees the two 3D textures; the next frame uploads the volume afresh. */
static void
delete_textures (PfmVolumeArea *self)
{
  GLuint t[] = { self->field_tex, self->index_tex };
  glDeleteTextures (G_N_ELEMENTS (t), t);
  self->field_tex = self->index_tex = 0;
  self->tex_nx = self->tex_ny = self->tex_depth = self->tex_nz = 0;
  self->full_upload = TRUE;
}

gboolean
pfm_volume_renderer_setup (PfmVolumeArea *self)
{
  GError *error = NULL;
  self->volume_program = pfm_gl_program_from_resources ("pfm-volume.vert", "pfm-volume.frag", self->es, &error);
  if (self->volume_program == 0)
    {
      pfm_volume_area_set_gl_error (self, error);
      return FALSE;
    }
  self->lines_program = pfm_gl_program_from_resources ("pfm-lines.vert", "pfm-lines.frag", self->es, &error);
  if (self->lines_program == 0)
    {
      pfm_volume_area_set_gl_error (self, error);
      return FALSE;
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
  return TRUE;
}

void
pfm_volume_renderer_teardown (PfmVolumeArea *self)
{
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
  pfm_volume_area_emit_uploaded (self);
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

/* The world-space corners of the tube's core (the box when no tube is
 * set): what the wireframe outlines. */
static void
tube_bounds (PfmVolumeArea *self, double tlo[3], double thi[3])
{
  double plo[3], len[3];
  pfm_volume_area_physical_box (self, plo, len);
  double a[3] = { self->tube[0] > 0 ? -0.5 * self->tube[0] : plo[0],
                  self->tube[1] > 0 ? -0.5 * self->tube[1] : plo[1], 0 };
  double b[3] = { self->tube[0] > 0 ? 0.5 * self->tube[0] : plo[0] + len[0],
                  self->tube[1] > 0 ? 0.5 * self->tube[1] : plo[1] + len[1], len[2] };
  pfm_volume_area_world_from_physical (self, a, tlo);
  pfm_volume_area_world_from_physical (self, b, thi);
}

/* Fills @verts (room for 24 + 3 * 8 vertices) with the frame's lines and
 * uploads them to the line buffer: the back edges first (@back->n of
 * them), then the front edges (returned), then 8 vertices for each
 * enabled slice plane's outline.  @front ends up with the front edges and
 * the outlines. */
static int
upload_lines (PfmVolumeArea *self, const double half[3], const double eye[3], float *verts, Lines *back,
              Lines *front)
{
  double tlo[3], thi[3];
  tube_bounds (self, tlo, thi);
  front->v = verts;
  front->n = 0;
  if (self->wireframe)
    box_edges (tlo, thi, eye, back, front);
  const int n_front = front->n;
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
        add_line (front, p[k], p[(k + 1) % 4]);
    }
  /* One buffer: back edges, then front edges and plane outlines. */
  memmove (verts + 3 * back->n, verts, 3 * front->n * sizeof (float));
  memcpy (verts, back->v, 3 * back->n * sizeof (float));
  glBindVertexArray (self->line_vao);
  glBindBuffer (GL_ARRAY_BUFFER, self->line_vbo);
  glBufferData (GL_ARRAY_BUFFER, 3 * (back->n + front->n) * sizeof (float), verts, GL_STREAM_DRAW);
  return n_front;
}

/* Sets the ray marcher's uniforms for the frame: the camera, the box,
 * the channel and transfer, the step (from @lod's quality) and the
 * slice planes. */
static void
set_volume_uniforms (PfmVolumeArea *self, const float inv[16], const double eye[3], const double half[3],
                     gboolean lod)
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
}

/* The volume pass: one full-screen triangle ray-marched through the 3D
 * textures, premultiplied, blended over the back edges. */
static void
draw_volume_pass (PfmVolumeArea *self, const float inv[16], const double eye[3], const double half[3], gboolean lod)
{
  glBlendFuncSeparate (GL_ONE, GL_ONE_MINUS_SRC_ALPHA, GL_ZERO, GL_ONE);
  glUseProgram (self->volume_program);
  set_volume_uniforms (self, inv, eye, half, lod);
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

/* The overlay pass, over the volume: the front edges, then each enabled
 * slice plane's outline in its axis colour, faded unless it is hovered
 * or dragged.  @first is where the front edges start in the buffer. */
static void
draw_front_pass (PfmVolumeArea *self, const Lines *front, int first, int n_front)
{
  static const float edge_front[4] = { 0.80f, 0.85f, 0.95f, 0.85f };
  static const float plane_colors[3][4] = {
    { 1.0f, 0.45f, 0.45f, 0.9f }, { 0.5f, 1.0f, 0.55f, 0.9f }, { 0.45f, 0.7f, 1.0f, 0.9f },
  };
  glBlendFuncSeparate (GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ZERO, GL_ONE);
  glUseProgram (self->lines_program);
  glBindVertexArray (self->line_vao);
  draw_lines (self, front, first, n_front, edge_front);
  first += n_front;
  for (int a = 0; a < 3; a++)
    if (self->plane_on[a])
      {
        float c[4];
        memcpy (c, plane_colors[a], sizeof c);
        if (a != self->hover_plane && !(self->drag_mode == DRAG_PLANE && self->drag_plane == a))
          c[3] = 0.55f;
        draw_lines (self, front, first, 8, c);
        first += 8;
      }
}

/* One frame into @fbo (@width x @height): clear, upload what changed,
 * then the back edges, the volume and the front overlay (see the file's
 * comment).  @lod draws with the interactive quality. */
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
  pfm_volume_area_update_camera_box (self);
  pfm_camera_eye (&self->camera, eye);
  float vp[16], inv[16];
  pfm_camera_view_projection (&self->camera, (double) width / MAX (height, 1), vp);
  if (!pfm_mat4_invert (vp, inv))
    return;

  float verts[3 * (24 + 3 * 8)];
  float vback[3 * 24];
  Lines back = { vback, 0 }, front;
  const int n_front = upload_lines (self, half, eye, verts, &back, &front);

  glEnable (GL_BLEND);
  glBlendFuncSeparate (GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ZERO, GL_ONE);
  glUseProgram (self->lines_program);
  glUniformMatrix4fv (self->u.view_proj, 1, GL_FALSE, vp);
  static const float edge_back[4] = { 0.62f, 0.68f, 0.78f, 0.45f };
  draw_lines (self, &back, 0, back.n, edge_back);

  if (self->gpu != NULL && self->tex_nz > 0)
    draw_volume_pass (self, inv, eye, half, lod);

  draw_front_pass (self, &front, back.n, n_front);
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
      pfm_volume_area_set_gl_error (self, error);
      return FALSE;
    }
  self->lod_w = w;
  self->lod_h = h;
  return TRUE;
}

gboolean
pfm_volume_renderer_render (GtkGLArea *area, GdkGLContext *context)
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