/* samp-error.c: the SAMP_ERROR quark.  Nothing else lives here. */
#include "config.h"

#include "samp-error.h"

G_DEFINE_QUARK (samp-error-quark, samp_error)
