/* SPDX-License-Identifier: BSD-3-Clause */
/* placeholder: lib/net is being written */
#include "tern_net.h"
