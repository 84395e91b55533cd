// Package config reads radsup's settings: flags override RADSUP_* environment
// variables, which override the defaults.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // the office's zone on a machine without a zone database
	"unicode"
	"unicode/utf8"
)

// Config holds every setting, validated by Load.
type Config struct {
	DB            string // database URL: sqlite:PATH or postgres://…
	Addr          string // HTTP listen address
	Demo          bool   // load the demo district into an empty database
	SecureCookies bool   // mark cookies Secure (behind a TLS-terminating proxy)
	LogFormat     string // text or json
	Seed          int64  // demo data seed
	Scale         string // demo scale: district or province
	ScreenAt      string // the office's time (Zone) of the daily full screening, HH:MM, or "off"
	Zone          string // the office's time zone (IANA name): its days and clock
	Office        string // the office's name, heading printed pages
	DocPrefix     string // the prefix of enforcement document numbers (地区简称 + 卫 + 执法类别), e.g. 中原卫放
	RectifyDays   int    // the default deadline of a rectification in days; 0: 30

	// TLS and reverse proxies (serve).
	TLSCert        string // certificate file (PEM); with TLSKey, serve speaks HTTPS itself
	TLSKey         string // private key file (PEM)
	TrustedProxies string // comma-separated CIDRs whose forwarding headers are believed

	// Options of single commands (screen, rules).
	Format      string // output format: table, json or csv
	AsOf        string // screening date YYYY-MM-DD (default today)
	Institution string // limit to one institution's credit code
	Save        bool   // screen: update the stored findings
	Lang        string // the language of console output (every command's messages, reports and tables): zh-CN or en

	// Options of import and export.
	Kind   string // the kind of records (institutions, people, doses …)
	DryRun bool   // import: check and report, write nothing
	Force  bool   // restore: replace a database that holds data
	Output string // export: the file to write (.xlsx or .csv)
	User   string // import, export: act as this account, within its scope
	// Role and DisplayName are those of a new account (user add).
	Role, DisplayName string
	// Purpose asks an export for whole ID numbers, for this stated purpose
	// (audited); without it ID numbers are masked.
	Purpose string

	// Options of draw (spec/enforcement.md §2). -seed is the draw's seed
	// text there and the demo data seed (a whole number) elsewhere.
	SeedText string
	Count    int     // draw: the number to draw
	Ratio    float64 // draw: the share of the pool to draw, rounded up
	Weighted bool    // draw: weight by risk
	Street   string  // draw: the pool's street (乡镇街道 code)
	Category string  // draw: the pool's licensed category
	Plan     int64   // draw verify: the plan
	Year     int     // stats dose: the calendar year

	// Notify holds the settings of notices (serve).
	Notify Notify
	// Options of loadtest: the server's base URL, the shape of the load
	// (Clients closed-loop or Rate requests/s open-loop) and its Duration,
	// the server's process (for its memory; 0: found by the port), and
	// whether the full screening runs meanwhile.
	URL       string
	Clients   int
	Rate      float64
	Duration  time.Duration
	PID       int
	Screening bool
}

// seedFlag sets SeedText, and Seed when the text is a whole number.
type seedFlag struct{ c *Config }

func (f seedFlag) String() string {
	if f.c == nil {
		return ""
	}
	return f.c.SeedText
}

func (f seedFlag) Set(s string) error {
	f.c.SeedText = s
	if n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64); err == nil {
		f.c.Seed = n
	}
	return nil
}

// Default returns the settings used when nothing is configured.
func Default() Config {
	return Config{DB: "sqlite:radsup.db", Addr: "127.0.0.1:8080", LogFormat: "text", Seed: 2026, Scale: "district", Format: "table", ScreenAt: "02:30", Zone: "Asia/Shanghai", Role: "supervisor", Lang: "zh-CN", Notify: defaultNotify()}
}

// env lists the environment variable of each setting.
var env = map[string]string{
	"db": "RADSUP_DB", "addr": "RADSUP_ADDR", "demo": "RADSUP_DEMO", "secure-cookies": "RADSUP_SECURE_COOKIES",
	"log": "RADSUP_LOG", "seed": "RADSUP_SEED", "scale": "RADSUP_SCALE", "screen-at": "RADSUP_SCREEN_AT", "zone": "RADSUP_ZONE", "office": "RADSUP_OFFICE",
	"doc-prefix": "RADSUP_DOC_PREFIX", "rectify-days": "RADSUP_RECTIFY_DAYS",
	"tls-cert": "RADSUP_TLS_CERT", "lang": "RADSUP_LANG", "tls-key": "RADSUP_TLS_KEY", "trusted-proxies": "RADSUP_TRUSTED_PROXIES",
}

// FlagSet returns a flag set bound to c, with defaults taken from the environment.
func (c *Config) FlagSet(name string, getenv func(string) string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c.applyEnv(getenv)
	fs.StringVar(&c.DB, "db", c.DB, "database URL: sqlite:PATH or postgres://user@host/db ($RADSUP_DB)")
	fs.StringVar(&c.Addr, "addr", c.Addr, "HTTP listen address ($RADSUP_ADDR)")
	fs.BoolVar(&c.Demo, "demo", c.Demo, "load the demo district into an empty database ($RADSUP_DEMO)")
	fs.BoolVar(&c.SecureCookies, "secure-cookies", c.SecureCookies, "mark cookies Secure, for TLS behind a proxy ($RADSUP_SECURE_COOKIES)")
	fs.StringVar(&c.LogFormat, "log", c.LogFormat, "log format: text or json ($RADSUP_LOG)")
	fs.Var(seedFlag{c}, "seed", "demo data seed, a whole number ($RADSUP_SEED); draw: the seed text")
	fs.StringVar(&c.Scale, "scale", c.Scale, "demo scale: district or province ($RADSUP_SCALE)")
	fs.StringVar(&c.ScreenAt, "screen-at", c.ScreenAt, "with serve: the office's time (-zone) of the daily full screening, HH:MM, or off ($RADSUP_SCREEN_AT)")
	fs.StringVar(&c.Zone, "zone", c.Zone, "the office's time zone, whose days and clock every date, deadline and -screen-at/-notify-at count ($RADSUP_ZONE)")
	fs.StringVar(&c.Office, "office", c.Office, "with serve: the office's name, heading printed pages ($RADSUP_OFFICE)")
	fs.IntVar(&c.RectifyDays, "rectify-days", c.RectifyDays, "with serve: the default deadline of a rectification in days, 1-365 (default 30) ($RADSUP_RECTIFY_DAYS)")
	fs.StringVar(&c.DocPrefix, "doc-prefix", c.DocPrefix, "with serve: the prefix of enforcement document numbers, e.g. 中原卫放 ($RADSUP_DOC_PREFIX)")
	fs.StringVar(&c.TLSCert, "tls-cert", c.TLSCert, "with serve: TLS certificate file, PEM; needs -tls-key ($RADSUP_TLS_CERT)")
	fs.StringVar(&c.TLSKey, "tls-key", c.TLSKey, "with serve: TLS private key file, PEM; needs -tls-cert ($RADSUP_TLS_KEY)")
	fs.StringVar(&c.TrustedProxies, "trusted-proxies", c.TrustedProxies, "with serve: reverse proxies whose X-Forwarded-* headers are believed, CIDR,CIDR ($RADSUP_TRUSTED_PROXIES)")
	fs.StringVar(&c.Format, "format", c.Format, "output format: table, json or csv")
	fs.StringVar(&c.AsOf, "as-of", c.AsOf, "screening date YYYY-MM-DD (default: today)")
	fs.StringVar(&c.Institution, "institution", c.Institution, "limit to the institution with this credit code")
	fs.BoolVar(&c.Save, "save", c.Save, "screen: update the stored findings as the daily run does")
	fs.StringVar(&c.Lang, "lang", c.Lang, "language of console output: zh-CN or en ($RADSUP_LANG)")
	fs.StringVar(&c.Kind, "kind", c.Kind, "import, export: the kind of records (institutions, licences, licence_acts, people, employments, trainings, exams, doses, equipment, tests; export also findings)")
	fs.BoolVar(&c.DryRun, "dry-run", c.DryRun, "import: check the files and report, write nothing")
	fs.BoolVar(&c.Force, "force", c.Force, "restore: replace a database that holds data")
	fs.StringVar(&c.Output, "o", c.Output, "export and report: the file to write, .xlsx or .csv (default KIND-DATE.xlsx, yearly-YEAR.xlsx)")
	fs.StringVar(&c.Role, "role", c.Role, "user add: the account's role: supervisor, institution, viewer, admin, security or auditor")
	fs.StringVar(&c.DisplayName, "name", c.DisplayName, "user add: the account's display name")
	fs.StringVar(&c.Purpose, "purpose", c.Purpose, "export: whole ID numbers, for this stated purpose (audited); without it they are masked")
	fs.StringVar(&c.User, "user", c.User, "import, export: act as this account, within what it may see and edit")
	fs.IntVar(&c.Count, "n", c.Count, "draw: the number of institutions to draw")
	fs.Float64Var(&c.Ratio, "ratio", c.Ratio, "draw: the share of the pool to draw, rounded up (0.1 = 10%)")
	fs.BoolVar(&c.Weighted, "weighted", c.Weighted, "draw: weight the draw by risk")
	fs.StringVar(&c.Street, "street", c.Street, "draw: only institutions of this street (乡镇街道 code)")
	fs.StringVar(&c.Category, "category", c.Category, "draw: only institutions licensed for this category")
	fs.Int64Var(&c.Plan, "plan", c.Plan, "draw verify: the plan to verify")
	fs.IntVar(&c.Year, "year", c.Year, "stats dose and report: the calendar year (default: last year)")
	c.Notify.flags(fs)
	fs.StringVar(&c.URL, "url", c.URL, "loadtest: the server's base URL, http://HOST:PORT")
	fs.IntVar(&c.Clients, "clients", c.Clients, "loadtest: closed loop with this many clients")
	fs.Float64Var(&c.Rate, "rate", c.Rate, "loadtest: open loop at this many requests per second (Poisson arrivals)")
	fs.DurationVar(&c.Duration, "duration", c.Duration, "loadtest: how long the load runs (default 30s)")
	fs.IntVar(&c.PID, "pid", c.PID, "loadtest: the server's process id, for its memory (default: the process listening on -url's port)")
	fs.BoolVar(&c.Screening, "screening", c.Screening, "loadtest: run the full screening meanwhile, as the daily run does")
	return fs
}

func (c *Config) applyEnv(getenv func(string) string) {
	get := func(flagName string) string { return strings.TrimSpace(getenv(env[flagName])) }
	if v := get("db"); v != "" {
		c.DB = v
	}
	if v := get("addr"); v != "" {
		c.Addr = v
	}
	if v := get("demo"); v != "" {
		c.Demo = v == "1" || strings.EqualFold(v, "true")
	}
	if v := get("secure-cookies"); v != "" {
		c.SecureCookies = v == "1" || strings.EqualFold(v, "true")
	}
	if v := get("lang"); v != "" {
		c.Lang = v
	}
	if v := get("log"); v != "" {
		c.LogFormat = v
	}
	if v := get("seed"); v != "" {
		fmt.Sscan(v, &c.Seed)
	}
	if v := get("scale"); v != "" {
		c.Scale = v
	}
	if v := get("screen-at"); v != "" {
		c.ScreenAt = v
	}
	if v := get("zone"); v != "" {
		c.Zone = v
	}
	if v := get("office"); v != "" {
		c.Office = v
	}
	if v := get("doc-prefix"); v != "" {
		c.DocPrefix = v
	}
	if v := get("rectify-days"); v != "" {
		if n, err := strconv.Atoi(v); err == nil {
			c.RectifyDays = n
		} else {
			c.RectifyDays = -1 // refused by Validate
		}
	}
	if v := get("tls-cert"); v != "" {
		c.TLSCert = v
	}
	if v := get("tls-key"); v != "" {
		c.TLSKey = v
	}
	if v := get("trusted-proxies"); v != "" {
		c.TrustedProxies = v
	}
	c.Notify.applyEnv(getenv)
}

// Location returns the office's time zone. "Local" is refused: the
// office's days must not follow the zone of the machine it runs on.
func (c *Config) Location() (*time.Location, error) {
	if c.Zone == "" || c.Zone == "Local" {
		return nil, fmt.Errorf("config: zone %q", c.Zone)
	}
	return time.LoadLocation(c.Zone)
}

// Validate reports a setting that cannot work.
func (c *Config) Validate() error {
	var errs []error
	if !strings.HasPrefix(c.DB, "sqlite:") && !strings.HasPrefix(c.DB, "postgres://") && !strings.HasPrefix(c.DB, "postgresql://") {
		errs = append(errs, fmt.Errorf("-db %q: want sqlite:PATH or postgres://…", c.DB))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("-log %q: want text or json", c.LogFormat))
	}
	if c.Format != "table" && c.Format != "json" && c.Format != "csv" {
		errs = append(errs, fmt.Errorf("-format %q: want table, json or csv", c.Format))
	}
	if c.Lang != "zh-CN" && c.Lang != "en" {
		errs = append(errs, fmt.Errorf("-lang %q: want zh-CN or en", c.Lang))
	}
	if c.Scale != "district" && c.Scale != "province" {
		errs = append(errs, fmt.Errorf("-scale %q: want district or province", c.Scale))
	}
	if c.ScreenAt != "off" {
		if t, err := time.Parse("15:04", c.ScreenAt); err != nil || t.Format("15:04") != c.ScreenAt {
			errs = append(errs, fmt.Errorf("-screen-at %q: want a time HH:MM such as 02:30, or off", c.ScreenAt))
		}
	}
	if _, err := c.Location(); err != nil {
		errs = append(errs, fmt.Errorf("-zone %q: want a time zone name such as Asia/Shanghai", c.Zone))
	}
	if utf8.RuneCountInString(c.DocPrefix) > 16 || strings.ContainsFunc(c.DocPrefix, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }) {
		errs = append(errs, fmt.Errorf("-doc-prefix %q: want at most 16 characters without spaces, e.g. 中原卫放", c.DocPrefix))
	}
	if c.RectifyDays < 0 || c.RectifyDays > 365 {
		errs = append(errs, fmt.Errorf("-rectify-days %d: want 1 to 365 days", c.RectifyDays))
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		errs = append(errs, errors.New("-tls-cert and -tls-key go together: give both files, or neither"))
	}
	if _, err := ParseCIDRs(c.TrustedProxies); err != nil {
		errs = append(errs, fmt.Errorf("-trusted-proxies: %w", err))
	}
	if err := c.Notify.validate(); err != nil {
		errs = append(errs, err)
	}
	if c.AsOf != "" {
		if _, err := time.Parse(time.DateOnly, c.AsOf); err != nil {
			errs = append(errs, fmt.Errorf("-as-of %q: want a date YYYY-MM-DD", c.AsOf))
		}
	}
	return errors.Join(errs...)
}

// TLS reports whether serve speaks HTTPS itself.
func (c *Config) TLS() bool { return c.TLSCert != "" && c.TLSKey != "" }

// ParseCIDRs parses a comma-separated list of networks such as
// "10.0.0.0/8, 192.168.1.10, ::1/128"; a bare address stands for itself.
// IPv4-mapped IPv6 networks become plain IPv4 ones, so that they match the
// addresses a dual-stack listener reports.
func ParseCIDRs(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for item := range strings.SplitSeq(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		var p netip.Prefix
		var err error
		if strings.Contains(item, "/") {
			p, err = netip.ParsePrefix(item)
		} else {
			var a netip.Addr
			if a, err = netip.ParseAddr(item); err == nil && a.Zone() == "" {
				p = netip.PrefixFrom(a, a.BitLen())
			}
		}
		if err != nil || !p.IsValid() {
			return nil, fmt.Errorf("%q: want a network such as 10.0.0.0/8 or an address", item)
		}
		if a := p.Addr(); a.Is4In6() {
			if p.Bits() < 96 {
				return nil, fmt.Errorf("%q: an IPv4-mapped network needs at least 96 bits", item)
			}
			p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// Load parses global flags, the command name and the command's own flags
// (the same set, so `radsup -db X serve` and `radsup serve -db X` agree).
// It returns the config, the command and the command's remaining arguments.
func Load(args []string, getenv func(string) string) (Config, string, []string, error) {
	c := Default()
	fs := c.FlagSet("radsup", getenv)
	if err := fs.Parse(args); err != nil {
		return c, "", nil, err
	}
	rest := fs.Args()
	if len(rest) == 0 {
		return c, "", nil, nil
	}
	cmd := rest[0]
	// Re-parse the command's flags on top of what the global flags set,
	// wherever they stand among its words ("audit verify -db URL").
	sub := c.FlagSet(cmd, func(string) string { return "" })
	words, err := parseAnywhere(sub, rest[1:])
	if err != nil {
		return c, cmd, nil, err
	}
	if cmd != "draw" && c.SeedText != "" {
		if _, err := strconv.ParseInt(strings.TrimSpace(c.SeedText), 10, 64); err != nil {
			return c, cmd, nil, fmt.Errorf("-seed %q: the demo data seed is a whole number", c.SeedText)
		}
	}
	return c, cmd, words, c.Validate()
}

// parseAnywhere parses the flags of args wherever they stand and returns
// the other words in order.
func parseAnywhere(fs *flag.FlagSet, args []string) ([]string, error) {
	var words []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return words, nil
		}
		words, args = append(words, args[0]), args[1:]
	}
}
