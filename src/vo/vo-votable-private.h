/* vo-votable-private.h: helpers shared by the vo-votable*.c files only. */
#pragma once

#include "vo-votable.h"

/* Size in bytes of one primitive element of @dt (0 for BIT and UNKNOWN). */
guint vo_datatype_element_size (VoDatatype dt);
/* Bytes occupied by @n elements of @dt in BINARY (bits are packed). */
static inline guint64
vo_datatype_bytes (VoDatatype dt, guint64 n)
{
  if (dt == VO_DATATYPE_BIT)
    return (n + 7) / 8;
  return n * vo_datatype_element_size (dt);
}

/* Appends the shortest text that reads back as @v (C locale). */
void vo_votable_format_double (GString *out, double v);
void vo_votable_format_float (GString *out, float v);

/* Frees a VoInfo / VoParam allocated with g_new0. */
void vo_info_free (VoInfo *info);
void vo_param_free (VoParam *param);
