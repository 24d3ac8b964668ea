// Command pulumi-language-nodejs is the Node.js language host that the pulumi CLI starts to run a
// TypeScript/JavaScript program and to generate Node.js SDKs.
//
// Why it is here: Pulumi's own host lives in the module
// github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3, which pulumi/pulumi never
// tags, and the Go module proxy reachable from this project's machines serves it at no version
// (every tag and pseudo-version answers "403 Forbidden: This module version is not available").
// This host keeps to the same contract, on Pulumi's own libraries at the pinned CLI version:
//
//   - it speaks the LanguageRuntime gRPC service (sdk/v3/proto/go) and prints its port;
//   - Run starts `node <@pulumi/pulumi/cmd/run> --monitor ... --engine ... <entry point>`, the
//     command line and environment (PULUMI_CONFIG, PULUMI_CONFIG_SECRET_KEYS,
//     PULUMI_NODEJS_TYPESCRIPT) that @pulumi/pulumi's run script reads;
//   - GetRequiredPackages lists the resource plugins that packages under node_modules declare
//     in their package.json "pulumi" section;
//   - GeneratePackage calls pkg/v3/codegen/nodejs, as `pulumi package gen-sdk` expects.
//
// What it leaves out: synchronous invokes over file pipes (the deprecated `invokeSync`), the
// debugger, bun, policy packs and plugins written in Node.js. The SDK talks to the engine's
// resource monitor directly instead of through a proxy.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/shlex"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// bailExitCode is the exit code @pulumi/pulumi's run script uses after it has already shown the
// user an actionable message; the engine is then told to stop without adding its own.
const bailExitCode = 32

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	mu            sync.Mutex
	engineAddress string
	tracing       string
	cancel        context.CancelFunc
	cancelCtx     context.Context
	watching      sync.Once
}

// watchEngine stops the host (and the program it runs) once the engine at addr stops answering,
// so that a CLI killed with SIGKILL leaves no language host or node process behind.
func (h *host) watchEngine(addr string) {
	h.watching.Do(func() {
		if err := rpcutil.Healthcheck(h.cancelCtx, addr, 10*time.Second, h.cancel); err != nil {
			fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: cannot watch the engine at %s: %v\n", addr, err)
		}
	})
}

func main() {
	tracing := flag.String("tracing", "", "Zipkin-compatible tracing endpoint, passed on to the program")
	runtime := flag.String("runtime", "nodejs", "runtime for TypeScript programs (only nodejs is supported)")
	showVersion := flag.Bool("version", false, "print the plugin version and exit")
	flag.Parse()
	if *showVersion {
		fmt.Println(version.Version)
		return
	}
	if *runtime != "nodejs" {
		cmdutil.Exit(fmt.Errorf("unsupported runtime %q: this host runs programs with node only", *runtime))
	}
	ctx, cancel := context.WithCancel(context.Background())
	h := &host{tracing: *tracing, cancelCtx: ctx, cancel: cancel}
	if args := flag.Args(); len(args) > 0 {
		h.engineAddress = args[0]
		h.watchEngine(args[0])
	}
	// The server stops when the engine is gone (watchEngine) or the Cancel RPC came.
	stop := make(chan bool)
	go func() {
		<-ctx.Done()
		close(stop)
	}()
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: stop,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, h)
			return nil
		},
	})
	if err != nil {
		cmdutil.Exit(fmt.Errorf("could not start the language host's gRPC server: %w", err))
	}
	// The CLI reads the port from the first line of our stdout.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		cmdutil.Exit(fmt.Errorf("language host stopped serving: %w", err))
	}
}

func (h *host) Handshake(_ context.Context, req *pulumirpc.LanguageHandshakeRequest) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.mu.Lock()
	h.engineAddress = req.GetEngineAddress()
	h.mu.Unlock()
	if req.GetEngineAddress() != "" {
		h.watchEngine(req.GetEngineAddress())
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

func (h *host) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	h.cancel()
	return &emptypb.Empty{}, nil
}

// packageJSON holds the fields of a package.json this host reads.
type packageJSON struct {
	Name    string                  `json:"name"`
	Version string                  `json:"version"`
	Pulumi  plugin.PulumiPluginJSON `json:"pulumi"`
}

// GetRequiredPackages walks the program's node_modules (scoped packages and nested node_modules
// included, symlinks from `file:` dependencies followed once) and returns one dependency per
// package whose package.json says {"pulumi": {"resource": true}}.
func (h *host) GetRequiredPackages(_ context.Context, req *pulumirpc.GetRequiredPackagesRequest) (*pulumirpc.GetRequiredPackagesResponse, error) {
	seen := map[string]bool{}
	var deps []*pulumirpc.PackageDependency
	var walk func(nodeModules string)
	walk = func(nodeModules string) {
		entries, err := os.ReadDir(nodeModules)
		if err != nil {
			return
		}
		for _, e := range entries {
			dir := filepath.Join(nodeModules, e.Name())
			if strings.HasPrefix(e.Name(), "@") {
				walk(dir) // a scope: its children are packages
				continue
			}
			real, err := filepath.EvalSymlinks(dir)
			if err != nil || seen[real] {
				continue
			}
			seen[real] = true
			if dep := pluginOf(filepath.Join(real, "package.json")); dep != nil {
				deps = append(deps, dep)
			}
			walk(filepath.Join(real, "node_modules"))
		}
	}
	walk(filepath.Join(req.GetInfo().GetProgramDirectory(), "node_modules"))
	return &pulumirpc.GetRequiredPackagesResponse{Packages: deps}, nil
}

// pluginOf returns the resource plugin a package.json declares, or nil. The plugin name is
// pulumi.name, else the package name without its @pulumi/ scope; the version is pulumi.version,
// else the package version.
func pluginOf(path string) *pulumirpc.PackageDependency {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var p packageJSON
	if json.Unmarshal(b, &p) != nil || !p.Pulumi.Resource {
		return nil
	}
	name := p.Pulumi.Name
	if name == "" {
		name = strings.TrimPrefix(p.Name, "@pulumi/")
	}
	ver := p.Pulumi.Version
	if ver == "" {
		ver = p.Version
	}
	if name == "" || ver == "" || strings.Contains(name, "/") {
		return nil
	}
	dep := &pulumirpc.PackageDependency{Name: name, Kind: "resource", Version: "v" + strings.TrimPrefix(ver, "v"), Server: p.Pulumi.Server}
	if pz := p.Pulumi.Parameterization; pz != nil {
		dep.Parameterization = &pulumirpc.PackageParameterization{Name: pz.Name, Version: pz.Version, Value: pz.Value}
	}
	return dep
}

// Run starts the program under node and waits for it. A non-zero exit becomes the response's
// Error (or Bail for exit code 32); failing to start node at all is also an Error.
func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	node, err := exec.LookPath("node")
	if err != nil {
		return &pulumirpc.RunResponse{Error: "could not find node on the $PATH: " + err.Error()}, nil
	}
	runPath, err := resolveModule(node, info.GetProgramDirectory(), "@pulumi/pulumi/cmd/run")
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	opts := info.GetOptions().AsMap()
	var nodeArgs []string
	if s, ok := opts["nodeargs"].(string); ok {
		if nodeArgs, err = shlex.Split(s); err != nil {
			return &pulumirpc.RunResponse{Error: "runtime option nodeargs: " + err.Error()}, nil
		}
	}

	h.mu.Lock()
	engine := h.engineAddress
	h.mu.Unlock()
	args := append(nodeArgs, runPath)
	flagIf := func(k, v string) {
		if v != "" {
			args = append(args, "--"+k, v)
		}
	}
	flagIf("monitor", req.GetMonitorAddress())
	flagIf("engine", engine)
	flagIf("organization", req.GetOrganization())
	flagIf("project", req.GetProject())
	flagIf("root-directory", info.GetRootDirectory())
	flagIf("stack", req.GetStack())
	flagIf("pwd", info.GetProgramDirectory())
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	flagIf("parallel", strconv.Itoa(int(req.GetParallel())))
	flagIf("tracing", h.tracing)
	args = append(args, info.GetEntryPoint())
	args = append(args, req.GetArgs()...)

	// @pulumi/pulumi reads config keys in the "<namespace>:config:<name>" form.
	cfg := map[string]string{}
	for k, v := range req.GetConfig() {
		key, err := config.ParseKey(k)
		if err != nil {
			return &pulumirpc.RunResponse{Error: err.Error()}, nil
		}
		cfg[key.Namespace()+":config:"+key.Name()] = v
	}
	cfgJSON, _ := json.Marshal(cfg)
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretJSON, _ := json.Marshal(secretKeys)
	env := append(os.Environ(), "PULUMI_CONFIG="+string(cfgJSON), "PULUMI_CONFIG_SECRET_KEYS="+string(secretJSON))
	if ts, ok := opts["typescript"].(bool); !ok || ts {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if p, ok := opts["tsconfig"].(string); ok && p != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+p)
	}

	runCtx, stop := context.WithCancel(h.cancelCtx)
	defer stop()
	context.AfterFunc(ctx, stop)
	cmd := exec.CommandContext(runCtx, node, args...)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.Env = env
	// Wrap the writers so node cannot switch our own stdout/stderr to non-blocking mode.
	cmd.Stdout = struct{ *os.File }{os.Stdout}
	cmd.Stderr = struct{ *os.File }{os.Stderr}
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			if exit.ExitCode() == bailExitCode {
				return &pulumirpc.RunResponse{Bail: true}, nil
			}
			return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exit.ExitCode())}, nil
		}
		return &pulumirpc.RunResponse{Error: "could not run node: " + err.Error()}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

// resolveModule asks node where `mod` resolves from dir, as the program itself would load it.
func resolveModule(node, dir, mod string) (string, error) {
	cmd := exec.Command(node, "-e", "console.log(require.resolve(process.argv[1]))", mod)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("could not find %s from %s: is the Pulumi SDK installed (npm ci)? %w", mod, dir, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// InstallDependencies runs `npm ci` (with a package-lock.json) or `npm install` in the program
// directory, streaming npm's output to the CLI.
func (h *host) InstallDependencies(req *pulumirpc.InstallDependenciesRequest, server pulumirpc.LanguageRuntime_InstallDependenciesServer) error {
	closer, stdout, stderr, err := rpcutil.MakeInstallDependenciesStreams(server, req.GetIsTerminal())
	if err != nil {
		return err
	}
	defer closer.Close()
	dir := req.GetInfo().GetProgramDirectory()
	verb := "install"
	if _, err := os.Stat(filepath.Join(dir, "package-lock.json")); err == nil {
		verb = "ci"
	}
	cmd := exec.CommandContext(server.Context(), "npm", verb)
	cmd.Dir, cmd.Stdout, cmd.Stderr = dir, stdout, stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("npm %s in %s: %w", verb, dir, err)
	}
	return closer.Close()
}

func (h *host) RuntimeOptionsPrompts(context.Context, *pulumirpc.RuntimeOptionsRequest) (*pulumirpc.RuntimeOptionsResponse, error) {
	return &pulumirpc.RuntimeOptionsResponse{}, nil
}

func (h *host) About(context.Context, *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	out, err := exec.Command("node", "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("node --version: %w", err)
	}
	return &pulumirpc.AboutResponse{Executable: "node", Version: strings.TrimSpace(string(out))}, nil
}

// GetProgramDependencies lists the program's direct dependencies from its package.json.
func (h *host) GetProgramDependencies(_ context.Context, req *pulumirpc.GetProgramDependenciesRequest) (*pulumirpc.GetProgramDependenciesResponse, error) {
	b, err := os.ReadFile(filepath.Join(req.GetInfo().GetProgramDirectory(), "package.json"))
	if err != nil {
		return nil, err
	}
	var p struct {
		Dependencies map[string]string `json:"dependencies"`
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, err
	}
	var deps []*pulumirpc.DependencyInfo
	for name, ver := range p.Dependencies {
		deps = append(deps, &pulumirpc.DependencyInfo{Name: name, Version: ver})
	}
	return &pulumirpc.GetProgramDependenciesResponse{Dependencies: deps}, nil
}

// GeneratePackage writes a Node.js SDK for the schema in req into req.Directory, with Pulumi's
// own generator (pkg/v3/codegen/nodejs).
func (h *host) GeneratePackage(_ context.Context, req *pulumirpc.GeneratePackageRequest) (*pulumirpc.GeneratePackageResponse, error) {
	loader, err := schema.NewLoaderClient(req.GetLoaderTarget())
	if err != nil {
		return nil, err
	}
	defer loader.Close()
	var spec schema.PackageSpec
	if err := json.Unmarshal([]byte(req.GetSchema()), &spec); err != nil {
		return nil, err
	}
	cached := schema.NewCachedLoader(loader)
	pkg, diags, err := schema.BindSpec(spec, cached, schema.ValidationOptions{AllowDanglingReferences: true})
	if err != nil {
		return nil, err
	}
	resp := &pulumirpc.GeneratePackageResponse{Diagnostics: plugin.HclDiagnosticsToRPCDiagnostics(diags)}
	if diags.HasErrors() {
		return resp, nil
	}
	files, err := nodejs.GeneratePackage("pulumi-language-nodejs", pkg, req.GetExtraFiles(), req.GetLocalDependencies(), req.GetLocal(), cached)
	if err != nil {
		return nil, err
	}
	for name, data := range files {
		path := filepath.Join(req.GetDirectory(), name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return nil, err
		}
	}
	return resp, nil
}

// GetRequiredPlugins is the older form of GetRequiredPackages; the engine falls back to it only
// when GetRequiredPackages is missing.
func (h *host) GetRequiredPlugins(context.Context, *pulumirpc.GetRequiredPluginsRequest) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return nil, status.Errorf(codes.Unimplemented, "use GetRequiredPackages")
}
