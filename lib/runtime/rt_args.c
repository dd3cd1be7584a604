/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The command line: "EAL arguments -- options". Options are the
 * runtime's common ones (most map onto a configuration key) and the
 * application's own. Also builds the argument vector for rte_eal_init():
 * the profile's EAL arguments, the port's device and the lcore list are
 * added unless the user's EAL arguments already say them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_pci.h>
#include <rte_string_fns.h>

#include "rt_priv.h"

/* A runtime option; section/key name the configuration key it sets. */
struct rt_opt {
	const char *name;
	const char *arg_name;
	const char *help;
	const char *section;
	const char *key;
};

static const struct rt_opt rt_opts[] = {
	{ "config", "FILE", "deployment INI file (docs/configuration.md)",
	  NULL, NULL },
	{ "set", "SECTION.KEY=VALUE", "override one configuration key",
	  NULL, NULL },
	{ "port-dev", "DEV", "PCI address or vdev string of the port",
	  "port", "dev" },
	{ "profile", "NAME", "driver profile (drivers-config/NAME.ini)",
	  "port", "profile" },
	{ "profile-dir", "DIR", "where driver profiles are read",
	  "port", "profile_dir" },
	{ "ip", "A.B.C.D/LEN", "our IPv4 address and prefix length",
	  "ip", "address" },
	{ "gw", "A.B.C.D", "default gateway ('none' for none)",
	  "ip", "gateway" },
	{ "src-ip", "A.B.C.D[-A.B.C.D][,...]", "more addresses of ours: "
	  "sources of active opens ('none' for none)", "ip", "extra" },
	{ "mtu", "N", "IP MTU (0: the profile's)", "ip", "mtu" },
	{ "ip6", "ADDR/LEN", "our IPv6 address and on-link prefix length "
	  "('none': IPv6 off; docs/ipv6.md)", "ip6", "address" },
	{ "gw6", "ADDR", "IPv6 default router ('none' for none)",
	  "ip6", "gateway" },
	{ "workers", "N", "at most N worker lcores (0: one per lcore)",
	  "lcores", "workers" },
	{ "mbufs", "N", "mbufs in each worker's pool", "mempool", "mbufs" },
	{ "duration", "SEC", "stop after SEC seconds (0: run until signalled)",
	  "run", "duration" },
	{ "drain-ms", "MS", "on SIGINT/SIGTERM/quit, let connections close "
	  "for up to MS ms before aborting them (0: abort at once)",
	  "run", "drain_ms" },
	{ "hold-port", "on|off", "once stopped, keep the port open but "
	  "unpolled until the next SIGINT/SIGTERM (two processes over one "
	  "memif pair, see docs/drivers.md)", "run", "hold_port" },
	{ "print-config", NULL, "print the effective configuration and exit",
	  NULL, NULL },
	{ "help", NULL, "show this help and exit", NULL, NULL },
};

static const struct rt_opt *
rt_opt_find(const char *name)
{
	for (unsigned int i = 0; i < RTE_DIM(rt_opts); i++)
		if (strcmp(rt_opts[i].name, name) == 0)
			return &rt_opts[i];
	return NULL;
}

static const struct tern_rt_opt *
app_opt_find(const struct tern_rt_app *app, const char *name)
{
	if (app->opts == NULL)
		return NULL;
	for (const struct tern_rt_opt *o = app->opts; o->name != NULL; o++)
		if (strcmp(o->name, name) == 0)
			return o;
	return NULL;
}

static void
usage_line(FILE *f, const char *name, const char *arg_name,
	   const char *help)
{
	char left[64];

	snprintf(left, sizeof(left), "--%s%s%s", name,
		 arg_name != NULL ? " " : "",
		 arg_name != NULL ? arg_name : "");
	fprintf(f, "  %-28s %s\n", left, help);
}

void
rt_usage(const struct tern_rt *rt, FILE *f)
{
	const char *prog = rt->app.name != NULL ? rt->app.name : "tern";

	fprintf(f, "usage: %s [EAL options] -- [options]\n", prog);
	if (rt->app.summary != NULL)
		fprintf(f, "%s\n", rt->app.summary);
	fprintf(f, "\nruntime options:\n");
	for (unsigned int i = 0; i < RTE_DIM(rt_opts); i++)
		usage_line(f, rt_opts[i].name, rt_opts[i].arg_name,
			   rt_opts[i].help);
	if (rt->app.opts != NULL && rt->app.opts[0].name != NULL) {
		fprintf(f, "\n%s options:\n", prog);
		for (const struct tern_rt_opt *o = rt->app.opts;
		     o->name != NULL; o++)
			usage_line(f, o->name, o->arg_name, o->help);
	}
	fprintf(f, "\nEAL options: see 'dpdk-testpmd -h'; lcores with -l.\n");
}

/* One "--name[=value]" token of the option part, split. */
struct rt_token {
	char name[TERN_CFG_NAME_LEN];
	const char *value;          /* NULL: not given yet */
	bool takes_value;
	const struct rt_opt *rt_opt;
	const struct tern_rt_opt *app_opt;
};

/* Read the option at argv[*i]; advances *i past its value. */
static int
token_read(struct tern_rt *rt, int argc, char **argv, int *i,
	   struct rt_token *t)
{
	const char *arg = argv[*i];
	const char *eq;
	size_t len;

	if (strcmp(arg, "-h") == 0)
		arg = "--help";
	if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0') {
		fprintf(stderr, "%s: unexpected argument '%s'\n",
			rt->app.name, arg);
		return -EINVAL;
	}
	arg += 2;
	eq = strchr(arg, '=');
	len = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
	if (len >= sizeof(t->name)) {
		fprintf(stderr, "%s: unknown option '--%s'\n", rt->app.name,
			arg);
		return -EINVAL;
	}
	memcpy(t->name, arg, len);
	t->name[len] = '\0';
	t->rt_opt = rt_opt_find(t->name);
	t->app_opt = t->rt_opt == NULL ? app_opt_find(&rt->app, t->name)
				       : NULL;
	if (t->rt_opt == NULL && t->app_opt == NULL) {
		fprintf(stderr, "%s: unknown option '--%s' (see --help)\n",
			rt->app.name, t->name);
		return -EINVAL;
	}
	t->takes_value = t->rt_opt != NULL ? t->rt_opt->arg_name != NULL
					   : t->app_opt->arg_name != NULL;
	t->value = eq != NULL ? eq + 1 : NULL;
	if (t->takes_value && t->value == NULL) {
		if (*i + 1 >= argc) {
			fprintf(stderr, "%s: option '--%s' needs a value\n",
				rt->app.name, t->name);
			return -EINVAL;
		}
		t->value = argv[++*i];
	} else if (!t->takes_value && t->value != NULL) {
		fprintf(stderr, "%s: option '--%s' takes no value\n",
			rt->app.name, t->name);
		return -EINVAL;
	}
	return 0;
}

/* --set SECTION.KEY=VALUE */
static int
apply_set(struct tern_rt *rt, const char *spec)
{
	char section[TERN_CFG_NAME_LEN], key[TERN_CFG_NAME_LEN];
	const char *dot = strchr(spec, '.');
	const char *eq = strchr(spec, '=');

	if (dot == NULL || eq == NULL || dot > eq ||
	    (size_t)(dot - spec) >= sizeof(section) ||
	    (size_t)(eq - dot - 1) >= sizeof(key)) {
		fprintf(stderr, "%s: --set expects SECTION.KEY=VALUE, got "
			"'%s'\n", rt->app.name, spec);
		return -EINVAL;
	}
	memcpy(section, spec, dot - spec);
	section[dot - spec] = '\0';
	memcpy(key, dot + 1, eq - dot - 1);
	key[eq - dot - 1] = '\0';
	return tern_config_set(&rt->cfg, section, key, eq + 1);
}

static int
token_apply(struct tern_rt *rt, const struct rt_token *t)
{
	const struct rt_opt *o = t->rt_opt;

	if (t->app_opt != NULL)
		return t->app_opt->parse(rt->app.arg, t->value);
	if (o->section != NULL)
		return tern_config_set(&rt->cfg, o->section, o->key,
				       t->value);
	if (strcmp(o->name, "set") == 0)
		return apply_set(rt, t->value);
	if (strcmp(o->name, "help") == 0)
		rt->cmd.help = true;
	else if (strcmp(o->name, "print-config") == 0)
		rt->cmd.print_config = true;
	/* --config was applied before every other option. */
	return 0;
}

/*
 * Two passes over the options: the first only finds --config (and
 * checks the syntax), so that the file is applied first and every
 * option overrides it wherever it stands on the line.
 */
static int
options_parse(struct tern_rt *rt, int argc, char **argv)
{
	struct rt_token t;
	int rc;

	for (int i = 0; i < argc; i++) {
		rc = token_read(rt, argc, argv, &i, &t);
		if (rc != 0)
			return rc;
		if (t.rt_opt == NULL || strcmp(t.name, "config") != 0)
			continue;
		rc = tern_config_load(&rt->cfg, t.value);
		if (rc != 0)
			return rc;
	}
	for (int i = 0; i < argc; i++) {
		rc = token_read(rt, argc, argv, &i, &t);
		if (rc == 0)
			rc = token_apply(rt, &t);
		if (rc != 0)
			return rc == -ENOENT ? -EINVAL : rc;
	}
	return 0;
}

int
rt_cmdline_parse(struct tern_rt *rt, int argc, char **argv)
{
	int sep = argc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			sep = i;
			break;
		}
	}
	rt->cmd.eal_argc = sep;
	rt->cmd.eal_argv = argv;
	if (sep >= argc)
		return 0;
	return options_parse(rt, argc - sep - 1, argv + sep + 1);
}

/* EAL options that create a device, that choose lcores, that restrict
 * the PCI scan. */
static const char *const eal_device_opts[] = { "--vdev", "-a", "--allow" };
static const char *const eal_lcore_opts[] = { "-l", "-c", "--lcores" };
static const char *const eal_pci_opts[] = {
	"-a", "--allow", "-b", "--block", "--no-pci"
};

/* The device an EAL argument creates, if it is --vdev or -a/--allow. */
static const char *
eal_arg_device(char **argv, int argc, int *i)
{
	const char *arg = argv[*i];

	for (unsigned int k = 0; k < RTE_DIM(eal_device_opts); k++) {
		const char *opt = eal_device_opts[k];
		size_t len = strlen(opt);

		if (strcmp(arg, opt) == 0)
			return *i + 1 < argc ? argv[++*i] : NULL;
		if (strncmp(arg, opt, len) == 0 && arg[len] == '=')
			return arg + len + 1;
		/* Short options glue their value: -a0000:03:00.0 */
		if (len == 2 && strncmp(arg, opt, 2) == 0 && arg[2] != '\0')
			return arg + 2;
	}
	return NULL;
}

/* "0000:03:00.0,devargs" -> "0000:03:00.0"; "net_tap0,iface=x" -> "net_tap0" */
void
rt_dev_name_of(const char *dev, char *out, size_t out_len)
{
	struct rte_pci_addr addr;

	strlcpy(out, dev, out_len);
	out[strcspn(out, ",")] = '\0';
	/* EAL names PCI ports in the long form: 03:00.0 -> 0000:03:00.0 */
	if (rte_pci_addr_parse(out, &addr) == 0)
		rte_pci_device_name(&addr, out, out_len);
}

/* Count the devices the user's EAL arguments create; *first gets one. */
static unsigned int
user_devices(const struct tern_rt *rt, const char **first)
{
	unsigned int n = 0;

	*first = NULL;
	for (int i = 1; i < rt->cmd.eal_argc; i++) {
		const char *dev = eal_arg_device(rt->cmd.eal_argv,
						 rt->cmd.eal_argc, &i);

		if (dev == NULL)
			continue;
		if (n++ == 0)
			*first = dev;
	}
	return n;
}

static bool
user_has_device(const struct tern_rt *rt, const char *name)
{
	char other[TERN_CFG_VALUE_LEN];

	for (int i = 1; i < rt->cmd.eal_argc; i++) {
		const char *dev = eal_arg_device(rt->cmd.eal_argv,
						 rt->cmd.eal_argc, &i);

		if (dev == NULL)
			continue;
		rt_dev_name_of(dev, other, sizeof(other));
		if (strcmp(other, name) == 0)
			return true;
	}
	return false;
}

static bool
user_has_arg(const struct tern_rt *rt, const char *const *names,
	     unsigned int nb_names)
{
	for (int i = 1; i < rt->cmd.eal_argc; i++) {
		const char *arg = rt->cmd.eal_argv[i];

		for (unsigned int k = 0; k < nb_names; k++) {
			size_t len = strlen(names[k]);

			if (strncmp(arg, names[k], len) == 0 &&
			    (arg[len] == '\0' || arg[len] == '=' ||
			     names[k][1] != '-'))
				return true;
		}
	}
	return false;
}

/*
 * Decide the port's device and the profile, then load the profile.
 * Device: [port] dev / --port-dev; else the one device the EAL
 * arguments create; else the profile's default. Profile: [port] profile
 * / --profile; else the driver the device names; else net_tap, the
 * embedded default.
 */
int
rt_resolve_port(struct tern_rt *rt)
{
	struct tern_config *cfg = &rt->cfg;
	const char *eal_dev;
	unsigned int n = user_devices(rt, &eal_dev);
	int rc;

	if (cfg->dev[0] == '\0' && n == 1)
		strlcpy(cfg->dev, eal_dev, sizeof(cfg->dev));
	else if (cfg->dev[0] == '\0' && n > 1) {
		RT_LOG(rt, ERR, "the EAL arguments create %u devices: name "
		       "the port with --port-dev", n);
		return -EINVAL;
	}
	if (cfg->profile_name[0] == '\0' && cfg->dev[0] != '\0') {
		rc = tern_profile_name_of_dev(cfg->dev, cfg->profile_name,
					      sizeof(cfg->profile_name));
		if (rc != 0)
			return -EINVAL;
		if (cfg->profile_name[0] == '\0') {
			RT_LOG(rt, ERR, "port %s is a PCI device: name its "
			       "profile with --profile (mlx5, i40e, ice, "
			       "ixgbe, net_virtio, ...)", cfg->dev);
			return -EINVAL;
		}
	}
	if (cfg->profile_name[0] == '\0')
		strlcpy(cfg->profile_name, "net_tap",
			sizeof(cfg->profile_name));
	rc = tern_profile_load(&cfg->profile, cfg->profile_dir,
			       cfg->profile_name, rt->logtype);
	if (rc != 0)
		return rc;
	if (cfg->dev[0] == '\0')
		strlcpy(cfg->dev, cfg->profile.dev, sizeof(cfg->dev));
	if (cfg->dev[0] == '\0') {
		RT_LOG(rt, ERR, "no port: profile %s names no device; set "
		       "[port] dev or --port-dev", cfg->profile_name);
		return -EINVAL;
	}
	return 0;
}

/* Append the whitespace-separated words of @p s to the EAL vector. */
static char *
append_words(struct tern_rt *rt, const char *s, char *store)
{
	size_t len;

	while (*s != '\0') {
		s += strspn(s, " \t");
		len = strcspn(s, " \t");
		if (len == 0)
			break;
		memcpy(store, s, len);
		store[len] = '\0';
		rt->eal_argv[rt->eal_argc++] = store;
		store += len + 1;
		s += len;
	}
	return store;
}

static void
append_arg(struct tern_rt *rt, const char *arg)
{
	rt->eal_argv[rt->eal_argc++] = (char *)(uintptr_t)arg;
}

int
rt_eal_args_build(struct tern_rt *rt)
{
	const struct tern_config *cfg = &rt->cfg;
	size_t words = strlen(cfg->profile.eal_args) / 2 + 1;
	char name[TERN_CFG_VALUE_LEN];
	char *store;

	/* argv[0], profile words, device (2), lcores (2), --no-pci, user
	 * arguments, NULL. */
	rt->eal_argv = calloc(words + 6 + (size_t)rt->cmd.eal_argc,
			      sizeof(char *));
	rt->eal_strings = malloc(strlen(cfg->profile.eal_args) + 1 + words);
	if (rt->eal_argv == NULL || rt->eal_strings == NULL)
		return -ENOMEM;
	append_arg(rt, rt->cmd.eal_argv[0]);
	store = append_words(rt, cfg->profile.eal_args, rt->eal_strings);
	RTE_SET_USED(store);
	rt_dev_name_of(cfg->dev, name, sizeof(name));
	if (!user_has_device(rt, name)) {
		append_arg(rt, tern_dev_is_pci(cfg->dev) ? "-a" : "--vdev");
		append_arg(rt, cfg->dev);
	}
	/* The runtime drives one port: a vdev port needs no PCI scan, which
	 * would otherwise take every NIC bound to a DPDK driver. */
	if (!tern_dev_is_pci(cfg->dev) &&
	    !user_has_arg(rt, eal_pci_opts, RTE_DIM(eal_pci_opts)))
		append_arg(rt, "--no-pci");
	if (cfg->lcores[0] != '\0' &&
	    !user_has_arg(rt, eal_lcore_opts,
			  RTE_DIM(eal_lcore_opts))) {
		append_arg(rt, "-l");
		append_arg(rt, cfg->lcores);
	}
	for (int i = 1; i < rt->cmd.eal_argc; i++)
		append_arg(rt, rt->cmd.eal_argv[i]);
	rt->eal_argv[rt->eal_argc] = NULL;
	return 0;
}
