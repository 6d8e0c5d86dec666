/* pfm-config.h - the project configuration: every key, its unit, range and default
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "pfm-types.h"

G_BEGIN_DECLS

#define PFM_CONFIG_ERROR (pfm_config_error_quark ())

typedef enum {
  PFM_CONFIG_ERROR_UNKNOWN_KEY,
  PFM_CONFIG_ERROR_BAD_TYPE,
  PFM_CONFIG_ERROR_OUT_OF_RANGE,
  PFM_CONFIG_ERROR_INCONSISTENT,
  PFM_CONFIG_ERROR_PARSE,
  PFM_CONFIG_ERROR_TOO_LARGE,
} PfmConfigError;

typedef enum {
  PFM_PROFILE_STEP,
  PFM_PROFILE_GRIN,
  PFM_PROFILE_NONE,
} PfmProfile;

typedef enum {
  PFM_MEDIUM_RANDOM,
  PFM_MEDIUM_NONE,
  PFM_MEDIUM_FILE,
} PfmMediumKind;

typedef enum {
  PFM_BEAM_GAUSSIAN,
  PFM_BEAM_SLM,
} PfmBeamKind;

typedef enum {
  PFM_TRAIN_INIT_RANDOM,
  PFM_TRAIN_INIT_ZERO,
  PFM_TRAIN_INIT_DESIGN,
} PfmTrainInit;

typedef enum {
  PFM_ENCODING_AMPLITUDE,
  PFM_ENCODING_PHASE,
} PfmEncoding;

/* Every value is SI.  A few values may be "auto" (stored as 0): use the
 * pfm_config_*() accessors below rather than reading them directly. */
struct _PfmConfig
{
  struct {
    double wavelength;   /* m */
    double n0;
    double n2;           /* m^2/W */
    double loss;         /* 1/m (power) */
  } optics;
  struct {
    PfmProfile profile;
    double side;         /* m */
    double length;       /* m */
    double na;
    double grin_delta;
  } tube;
  struct {
    PfmMediumKind kind;
    double delta_n;
    double voxel;        /* m, 0 = auto (wavelength / n0) */
    guint64 seed;
    char *file;
  } medium;
  struct {
    PfmBeamKind kind;
    double power;        /* W, peak */
    double waist;        /* m, 1/e^2 intensity radius */
    double offset_x, offset_y;   /* m */
    double tilt_x, tilt_y;       /* rad, inside the medium */
    int slm_pixels;
    PfmEncoding encoding;
    char *input;         /* "random:SEED" or a comma-separated list */
    double phase_range;  /* rad: phase encoding maps x in [0,1] to phase_range * x */
    int slm_bits;        /* SLM quantisation, 0 = ideal */
  } beam;
  struct {
    int regions;
    int bits;            /* 0 = ideal */
    double noise;        /* relative rms */
  } detector;
  struct {
    int n;
    double window;       /* m, 0 = auto (2 * side) */
    double dz;           /* m */
    double absorber;     /* fraction of the window on each side */
    int record_every;
  } grid;
  struct {
    guint64 seed;
    double sigma;
    double corr_length;
    double scale_error;
    double stuck_fraction;
    double inclusion_density;
    double inclusion_radius;
    double inclusion_dn;
    double taper;
    double roughness;
    double drift_time;
    double drift_tau;
    double temperature_gradient;  /* K/m, along x */
    double dn_dT;
    double side_error;   /* relative error of the core side */
    double offset;       /* index offset added to every written voxel */
  } defects;
  struct {
    char *dataset;       /* digits | fashion-mnist | idx:IMAGES:LABELS | csv:PATH */
    double test_fraction;
    double validation_fraction;
    guint64 split_seed;
    int epochs;
    int batch;
    double lr;           /* Adam's step on theta (dn = delta_n tanh theta) */
    double lr_decay;     /* the step is multiplied by this after each epoch */
    guint64 seed;        /* initial design, minibatch order, noise-aware copies */
    int init;            /* PfmTrainInit */
    double temperature;  /* initial softmax temperature T (trained) */
    int noise_aware;     /* 0 = false, 1 = true */
    int max_examples;    /* 0 = all */
  } train;
  struct {
    char *transfer;      /* the volume view's transfer function (key-file text), "" = default */
  } render;
  struct {
    double *params;      /* parameter counts to tabulate */
    gsize n_params;
    double aspect;
    double beam_fraction;
    double phi_nl;
    double pulse;
    double e_io;
    double p_avg;
    double io_exponent;
    double bits;
    double e_op;
    double gpu_mem;
    double gpu_bw;
    double gpu_volume;
    double bytes_per_param;
    double gpu_gain;
    double years;
  } scaling;
};

typedef enum {
  PFM_KEY_DOUBLE,
  PFM_KEY_INT,
  PFM_KEY_UINT64,
  PFM_KEY_ENUM,
  PFM_KEY_STRING,
  PFM_KEY_DOUBLE_LIST,
} PfmKeyType;

/* One row of the validation table.  The GUI builds its controls from it,
 * the CLI and the project loader validate through it. */
typedef struct
{
  const char *group;
  const char *key;
  PfmKeyType type;
  gsize offset;              /* into PfmConfig */
  const char *unit;          /* SI unit or "" */
  double min, max;           /* accepted range (inclusive unless flagged) */
  gboolean min_exclusive;
  gboolean allow_auto;       /* "auto" accepted, stored as 0 */
  const char *const *choices;/* PFM_KEY_ENUM: NULL-terminated names */
  const char *default_value; /* as written in a project file */
  const char *description;   /* one sentence: the physics and what it feeds */
} PfmKeyInfo;

GQuark            pfm_config_error_quark   (void);

const PfmKeyInfo *pfm_config_keys          (guint            *n_keys);
const PfmKeyInfo *pfm_config_lookup_key    (const char       *group_dot_key);

/* What a key feeds: the one table the views, the runner and the sidebar
 * ask instead of each filtering key names by hand. */
typedef enum {
  PFM_AFFECTS_SCALING = 1 << 0, /* the scaling model (Table 1) */
  PFM_AFFECTS_RUN     = 1 << 1, /* any engine run: propagation, copies, sweeps, training */
  PFM_AFFECTS_DATASET = 1 << 2, /* the training examples and their split */
  PFM_AFFECTS_RENDER  = 1 << 3, /* the volume view's display only */
  PFM_AFFECTS_ALL     = 0xf,
} PfmAffects;

/* PFM_AFFECTS_ALL for NULL (the whole project changed) and for an
 * unknown key; otherwise the flags of @group_dot_key. */
PfmAffects        pfm_config_key_affects   (const char       *group_dot_key);

PfmConfig        *pfm_config_new           (void);
PfmConfig        *pfm_config_copy          (const PfmConfig  *cfg);
void              pfm_config_free          (PfmConfig        *cfg);

gboolean          pfm_config_set           (PfmConfig        *cfg,
                                            const char       *group_dot_key,
                                            const char       *value,
                                            GError          **error);
gboolean          pfm_config_set_assignment(PfmConfig        *cfg,
                                            const char       *assignment,
                                            GError          **error);
char             *pfm_config_get_string    (const PfmConfig  *cfg,
                                            const PfmKeyInfo *key);
/* The shortest decimal that reads back as @v (C locale: "1.55e-06",
 * "0.1"; "nan", "inf", "-inf"): how values are written into project files
 * and quoted in messages. */
char             *pfm_config_format_double (double          v);

gboolean          pfm_config_load_key_file (PfmConfig        *cfg,
                                            GKeyFile         *kf,
                                            GError          **error);
gboolean          pfm_config_load_file     (PfmConfig        *cfg,
                                            const char       *path,
                                            GError          **error);
/* pfm_config_load_file, and on success the text it read (for
 * pfm_config_save_file_keeping), if @text is not NULL. */
gboolean          pfm_config_load_file_text(PfmConfig        *cfg,
                                            const char       *path,
                                            GBytes          **text,
                                            GError          **error);
gboolean          pfm_config_load_data     (PfmConfig        *cfg,
                                            const char       *data,
                                            gsize             length,
                                            GError          **error);
GKeyFile         *pfm_config_to_key_file   (const PfmConfig  *cfg);
/* A new project: [project] version=1 and every key of the table. */
/* Sets @cfg into @kf, a project as it was read: a key whose value in @kf
 * already reads as @cfg's keeps its text (a relative medium.file is read
 * as beside @project_path, which may be NULL), the others are set in
 * place, and a key @kf lacks is added only when @cfg's value is not the
 * default (the loader reads an absent key as the default).  Comments, the
 * order of groups and keys, and keys this build does not know stay.
 * pfm_config_to_key_file is the same serialiser over an empty key file. */
void              pfm_config_update_key_file (const PfmConfig *cfg,
                                              GKeyFile        *kf,
                                              const char      *project_path);
/* The project text for @cfg written over @original (the text of the
 * project it was read from, kept with its comments; NULL: a new file),
 * to be saved as @project_path (may be NULL). */
char             *pfm_config_to_data_keeping (const PfmConfig *cfg,
                                              const char      *original,
                                              gsize            length,
                                              const char      *project_path,
                                              gsize           *out_length,
                                              GError         **error);
gboolean          pfm_config_save_file     (const PfmConfig  *cfg,
                                            const char       *path,
                                            GError          **error);
/* pfm_config_save_file over @original, as pfm_config_to_data_keeping. */
gboolean          pfm_config_save_file_keeping (const PfmConfig *cfg,
                                                const char      *path,
                                                const char      *original,
                                                gsize            length,
                                                GError         **error);

gboolean          pfm_config_validate      (const PfmConfig  *cfg,
                                            GError          **error);

/* A relative medium.file read from the project file @project_path names a
 * file beside the project: makes it absolute.  (Values given with --set
 * stay relative to the current folder: call this before applying them.) */
void              pfm_config_resolve_paths (PfmConfig        *cfg,
                                            const char       *project_path);

/* Parses beam.input ("random:SEED" or a list) into beam.slm_pixels values in [0, 1]. */
gboolean          pfm_config_parse_input_vector (const PfmConfig *cfg,
                                                 double          *values,
                                                 GError         **error);

double            pfm_config_voxel         (const PfmConfig  *cfg);
double            pfm_config_window        (const PfmConfig  *cfg);
double            pfm_config_k0            (const PfmConfig  *cfg);
guint             pfm_config_n_steps       (const PfmConfig  *cfg);

/* Largest project file the loader accepts. */
#define PFM_CONFIG_MAX_FILE_SIZE (1024 * 1024)

/* The most SLM macro-pixels (beam.slm_pixels), and the longest text of a
 * string key: beam.input holds up to that many values of 31 bytes each,
 * with their commas; every other string key at most 4096 bytes. */
#define PFM_CONFIG_MAX_SLM_PIXELS 4096
#define PFM_CONFIG_MAX_INPUT_BYTES (PFM_CONFIG_MAX_SLM_PIXELS * 32)
#define PFM_CONFIG_MAX_STRING_BYTES 4096

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PfmConfig, pfm_config_free)

G_END_DECLS
