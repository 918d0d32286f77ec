// Copyright 2016, Pulumi Corporation; adapted for multistage. Licensed under the Apache License, Version 2.0.

package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/executable"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	"github.com/pulumi/pulumi/sdk/v3/nodejs/npm"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// nodeLanguageHost implements the LanguageRuntime service (main.go:256-287). RPCs this host does
// not implement answer Unimplemented through the embedded type, which the engine tolerates for
// the optional ones.
type nodeLanguageHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	engineAddress string
	tracing       string
	// Cancelled by the Cancel RPC; stops a running program (main.go:372-383, 2247-2250).
	cancelCtx  context.Context
	cancelFunc context.CancelFunc
}

func newLanguageHost(engineAddress, tracing string) pulumirpc.LanguageRuntimeServer {
	ctx, cancel := context.WithCancel(context.Background())
	return &nodeLanguageHost{engineAddress: engineAddress, tracing: tracing, cancelCtx: ctx, cancelFunc: cancel}
}

// Handshake follows main.go:1412-1431: the engine's address arrives here instead of on the
// command line, and we health-check it the same way.
func (host *nodeLanguageHost) Handshake(ctx context.Context,
	req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	host.engineAddress = req.EngineAddress
	signalCtx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	go func() {
		<-signalCtx.Done()
		cancel()
	}()
	if err := rpcutil.Healthcheck(signalCtx, host.engineAddress, 5*time.Minute, cancel); err != nil {
		return nil, fmt.Errorf("could not start health check host RPC server: %w", err)
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

// GetPluginInfo follows main.go:1144-1148.
func (host *nodeLanguageHost) GetPluginInfo(ctx context.Context, req *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

// Cancel follows main.go:2247-2250.
func (host *nodeLanguageHost) Cancel(ctx context.Context, req *emptypb.Empty) (*emptypb.Empty, error) {
	host.cancelFunc()
	return &emptypb.Empty{}, nil
}

// About follows main.go:1347-1410 (node's path and version, the package manager's name).
func (host *nodeLanguageHost) About(ctx context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	opts, err := parseOptions(req.Info.Options.AsMap())
	if err != nil {
		return nil, fmt.Errorf("failed to parse options: %w", err)
	}
	pm, err := npm.ResolvePackageManager(opts.packagemanager, req.Info.ProgramDirectory)
	if err != nil {
		return nil, fmt.Errorf("could not resolve packagemanager: %w", err)
	}
	node, err := executable.FindExecutable("node")
	if err != nil {
		return nil, fmt.Errorf("could not find executable %q: %w", "node", err)
	}
	response := &pulumirpc.AboutResponse{Executable: node, Metadata: map[string]string{"packagemanager": pm.Name()}}
	if out, err := exec.CommandContext(ctx, node, "--version").Output(); err == nil {
		response.Version = strings.TrimSpace(string(out))
	}
	return response, nil
}

// GetProgramDependencies follows main.go:1433-1460 (the package manager lists what is installed).
func (host *nodeLanguageHost) GetProgramDependencies(ctx context.Context,
	req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	opts, err := parseOptions(req.Info.Options.AsMap())
	if err != nil {
		return nil, fmt.Errorf("failed to parse options: %w", err)
	}
	pm, err := npm.ResolvePackageManager(opts.packagemanager, req.Info.ProgramDirectory)
	if err != nil {
		return nil, fmt.Errorf("failed to determine package manager: %w", err)
	}
	packages, err := pm.ListPackages(ctx, req.Info.ProgramDirectory, req.TransitiveDependencies)
	if err != nil {
		return nil, fmt.Errorf("failed to get node dependencies: %w", err)
	}
	dependencies := make([]*pulumirpc.DependencyInfo, len(packages))
	for i, pkg := range packages {
		dependencies[i] = &pulumirpc.DependencyInfo{Name: pkg.Name, Version: pkg.Version}
	}
	return &pulumirpc.GetProgramDependenciesResponse{Dependencies: dependencies}, nil
}

// InstallDependencies follows main.go:1150-1226 without fnm or the install cache: install in
// the npm workspace root when the program lives in one (this project is one), else in place.
func (host *nodeLanguageHost) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest, server pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	closer, stdout, stderr, err := rpcutil.MakeInstallDependenciesStreams(server, req.IsTerminal)
	if err != nil {
		return err
	}
	defer closer.Close()

	fmt.Fprint(stdout, "Installing dependencies...\n\n")
	root := req.Info.ProgramDirectory
	if workspaceRoot, err := npm.FindWorkspaceRoot(root); err == nil {
		fmt.Fprintf(stdout, "Detected workspace root at %s\n", workspaceRoot)
		root = workspaceRoot
	} else if !errors.Is(err, npm.ErrNotInWorkspace) {
		return fmt.Errorf("failure while trying to find workspace root: %w", err)
	}
	opts, err := parseOptions(req.Info.Options.AsMap())
	if err != nil {
		return fmt.Errorf("failed to parse options: %w", err)
	}
	if _, err := npm.Install(server.Context(), opts.packagemanager, root, false /*production*/, stdout, stderr); err != nil {
		return err
	}
	fmt.Fprint(stdout, "Finished installing dependencies\n\n")
	return closer.Close()
}

// locateModule follows main.go:202-254: ask node itself where a module resolves from the
// program's directory, so the SDK the program installed is the one that runs it.
func locateModule(ctx context.Context, mod, programDir, nodeBin string, isPlugin bool) (string, error) {
	installCommand := "pulumi install"
	if isPlugin {
		installCommand = "npm install in " + programDir
	}
	script := fmt.Sprintf(`try { console.log(require.resolve('%s')); } catch (error) { `+
		`if (error.code === 'MODULE_NOT_FOUND') { console.error("It looks like the Pulumi SDK has not been installed. Have you run %s?") } `+
		`else { console.error(error.message); } process.exit(1); }`, mod, installCommand)
	cmd := exec.CommandContext(ctx, nodeBin, "-e", script)
	cmd.Dir = programDir
	out, err := cmd.Output()
	if err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			return "", errors.New(string(exitErr.Stderr))
		}
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}
