/* SPDX-License-Identifier: BSD-3-Clause */
/* placeholder while lib/tcp is written */
#include "tern_tcp.h"
