// Copyright 2016, Pulumi Corporation; adapted for multistage. Licensed under the Apache License, Version 2.0.

package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"time"

	"github.com/google/shlex"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/contract"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

const (
	// The SDK's program runner (main.go:95-97); PULUMI_LANGUAGE_NODEJS_RUN_PATH overrides it.
	defaultRunPath = "@pulumi/pulumi/cmd/run"
	// The SDK exits with 32 after it has already shown the user an actionable message, such as
	// a failed config validation; the engine then prints nothing more (main.go:107-110, 1036-1041).
	exitAfterUserActionableMessage = 32
)

// Run follows main.go:760-875 and execRuntime (877-1062): start node on the SDK's runner with
// the engine's addresses and the stack's config in the environment, and report how it exited.
// Unlike the real host, node talks to the engine's resource monitor directly (see main.go here).
func (host *nodeLanguageHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	if host.engineAddress == "" {
		return nil, errors.New("when debugging or running explicitly, must call Handshake before Run")
	}
	if req.GetAttachDebugger() {
		return &pulumirpc.RunResponse{Error: "multistage's language host cannot attach a debugger"}, nil
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not find node on the $PATH: %s", err.Error())}, nil
	}
	runPath := os.Getenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH")
	if runPath == "" {
		runPath = defaultRunPath
	}
	runPath, err = locateModule(ctx, runPath, req.Info.ProgramDirectory, node, false)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	return host.execRuntime(ctx, req, node, runPath), nil
}

func (host *nodeLanguageHost) execRuntime(ctx context.Context, req *pulumirpc.RunRequest, node, runPath string) *pulumirpc.RunResponse {
	configJSON, err := constructConfig(req)
	if err != nil {
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("failed to serialize configuration: %s", err)}
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretKeysJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("failed to serialize configuration secret keys: %s", err)}
	}
	opts, err := parseOptions(req.Info.Options.AsMap())
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}
	}
	nodeArgs, err := shlex.Split(opts.nodeargs)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}
	}

	env := append(os.Environ(), "PULUMI_CONFIG="+configJSON, "PULUMI_CONFIG_SECRET_KEYS="+string(secretKeysJSON))
	env = append(env, opts.typescriptEnv()...)

	// Stop node on the Cancel RPC or when the engine gives up on the request (main.go:985-995).
	cmdCtx, cmdCancel := context.WithCancel(host.cancelCtx)
	defer cmdCancel()
	context.AfterFunc(ctx, cmdCancel)
	cmd := exec.CommandContext(cmdCtx, node, append(nodeArgs, host.constructArguments(req, runPath)...)...)
	cmd.Cancel = func() error {
		if err := cmd.Process.Signal(os.Interrupt); err != nil {
			return cmd.Process.Kill()
		}
		return nil
	}
	cmd.WaitDelay = 5 * time.Second
	cmd.Env = env
	// Wrapped writers, as main.go:1000-1004 explains: node may switch its stdio to non-blocking.
	cmd.Stdout = struct{ io.Writer }{os.Stdout}
	cmd.Stderr = struct{ io.Writer }{os.Stderr}

	if err := cmd.Run(); err != nil {
		contract.IgnoreError(os.Stdout.Sync())
		contract.IgnoreError(os.Stderr.Sync())
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			return &pulumirpc.RunResponse{Error: fmt.Sprintf("Problem executing program (could not run language executor): %s", err)}
		}
		switch code := exitErr.ExitCode(); code {
		case exitAfterUserActionableMessage:
			return &pulumirpc.RunResponse{Bail: true}
		case 0:
			return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited unexpectedly: %s", exitErr)}
		default:
			return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", code)}
		}
	}
	return &pulumirpc.RunResponse{}
}

// constructArguments follows main.go:1067-1098, without --sync (no synchronous-invoke pipes).
func (host *nodeLanguageHost) constructArguments(req *pulumirpc.RunRequest, runPath string) []string {
	args := []string{runPath}
	maybeAppend := func(key, value string) {
		if value != "" {
			args = append(args, "--"+key, value)
		}
	}
	maybeAppend("monitor", req.GetMonitorAddress())
	maybeAppend("engine", host.engineAddress)
	maybeAppend("organization", req.GetOrganization())
	maybeAppend("project", req.GetProject())
	maybeAppend("root-directory", req.GetInfo().GetRootDirectory())
	maybeAppend("stack", req.GetStack())
	maybeAppend("pwd", req.GetInfo().GetProgramDirectory())
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	maybeAppend("parallel", strconv.Itoa(int(req.GetParallel())))
	maybeAppend("tracing", host.tracing)
	// The engine always names an entry point, "." for the program directory.
	args = append(args, req.GetInfo().GetEntryPoint())
	return append(args, req.GetArgs()...)
}

// constructConfig follows main.go:1101-1128: keys go to node as <namespace>:config:<name>,
// the form every @pulumi/pulumi version reads.
func constructConfig(req *pulumirpc.RunRequest) (string, error) {
	transformed := make(map[string]string, len(req.GetConfig()))
	for k, v := range req.GetConfig() {
		key, err := config.ParseKey(k)
		if err != nil {
			return "", err
		}
		transformed[key.Namespace()+":config:"+key.Name()] = v
	}
	bytes, err := json.Marshal(transformed)
	return string(bytes), err
}
