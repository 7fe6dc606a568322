/* vo-error.c: the VO_ERROR quark (see vo-error.h).  Nothing else. */
#include "config.h"

#include "vo-error.h"

G_DEFINE_QUARK (vo-error-quark, vo_error)
