/* svg-to-png.c - renders an SVG to PNG with gdk-pixbuf's SVG loader (for
 * the self-focusing plot: no plotting library or converter needed)
 *
 *   cc scripts/svg-to-png.c -o svg-to-png $(pkg-config --cflags --libs gdk-pixbuf-2.0)
 *   ./svg-to-png IN.svg OUT.png
 *
 * Copyright 2026 The PFM Explorer developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <stdio.h>

int
main (int argc, char **argv)
{
  if (argc != 3)
    {
      fprintf (stderr, "usage: svg-to-png IN.svg OUT.png\n");
      return 2;
    }
  GError *error = NULL;
  GdkPixbuf *pb = gdk_pixbuf_new_from_file (argv[1], &error);
  if (pb == NULL || !gdk_pixbuf_save (pb, argv[2], "png", &error, NULL))
    {
      fprintf (stderr, "svg-to-png: %s\n", error->message);
      return 1;
    }
  g_object_unref (pb);
  return 0;
}
