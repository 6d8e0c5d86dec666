/* main.c - PFM Explorer
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "pfm-application.h"

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  /* Uninstalled (scripts/pfm run, the tests): the translations built in
   * the build tree, which PFM_LOCALEDIR names; installed: the prefix's. */
  const char *localedir = g_getenv ("PFM_LOCALEDIR");
  bindtextdomain (GETTEXT_PACKAGE, localedir && localedir[0] ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_autoptr(PfmApplication) app = pfm_application_new ();
  int status = g_application_run (G_APPLICATION (app), argc, argv);
  return status ? status : pfm_application_get_exit_status (app);
}
