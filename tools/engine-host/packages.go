// Copyright 2016, Pulumi Corporation; adapted for multistage. Licensed under the Apache License, Version 2.0.

package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// GetRequiredPackages follows main.go:470-518: every package under node_modules whose
// package.json says `"pulumi": { "resource": true }` names a provider plugin and its version
// (so the engine asks for resource-aws v7.48.0 because @pulumi/aws 7.48.0 is installed).
// Errors while scanning are logged, not returned, as there.
func (host *nodeLanguageHost) GetRequiredPackages(ctx context.Context,
	req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	packages, err := packagesFromDir(req.Info.ProgramDirectory, false, map[string]struct{}{})
	if err != nil {
		logging.V(3).Infof("one or more errors while discovering plugins: %s", err)
	}
	return &pulumirpc.GetRequiredPackagesResponse{Packages: packages}, nil
}

// packagesFromDir follows main.go:527-657: walk deeply (following symlinks once), skip nested
// policy packs (their plugins are not the program's), read package.json files inside node_modules.
func packagesFromDir(dir string, inNodeModules bool, visited map[string]struct{}) ([]*pulumirpc.PackageDependency, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if _, seen := visited[dir]; seen {
		return nil, nil
	}
	visited[dir] = struct{}{}

	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("reading plugin dir %s: %w", dir, err)
	}
	var packages []*pulumirpc.PackageDependency
	var errs []error
	for _, entry := range entries {
		path := filepath.Join(dir, entry.Name())
		isDir := entry.IsDir()
		if entry.Type()&os.ModeSymlink != 0 {
			resolved, err := filepath.EvalSymlinks(path)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			info, err := os.Stat(resolved)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			path, isDir = resolved, info.IsDir()
		}
		switch {
		case isDir:
			policyPack, err := workspace.DetectPolicyPackPathAt(path)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if policyPack != "" {
				continue
			}
			more, err := packagesFromDir(path, inNodeModules || filepath.Base(dir) == "node_modules", visited)
			if err != nil {
				errs = append(errs, err)
			}
			packages = append(packages, more...)
		case inNodeModules && entry.Name() == "package.json":
			dependency, err := packageFromJSON(path)
			if err != nil {
				errs = append(errs, err)
			} else if dependency != nil {
				packages = append(packages, dependency)
			}
		}
	}
	return packages, errors.Join(errs...)
}

// packageJSON is the part of package.json main.go:648-656 reads.
type packageJSON struct {
	Name    string                  `json:"name"`
	Version string                  `json:"version"`
	Pulumi  plugin.PulumiPluginJSON `json:"pulumi"`
}

// packageFromJSON follows main.go:659-735 (name from "pulumi.name" or the @pulumi/ scope,
// version from "pulumi.version" or the package's, with a leading v).
func packageFromJSON(path string) (*pulumirpc.PackageDependency, error) {
	bytes, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var info packageJSON
	if err := json.Unmarshal(bytes, &info); err != nil {
		return nil, fmt.Errorf("unmarshaling package.json %s: %w", path, err)
	}
	if !info.Pulumi.Resource {
		return nil, nil
	}
	name := info.Pulumi.Name
	if name == "" {
		if !strings.HasPrefix(info.Name, "@pulumi/") {
			return nil, fmt.Errorf("missing property \"name\" for the third-party plugin '%v' inside package.json under the \"pulumi\" section", info.Name)
		}
		name = strings.TrimPrefix(info.Name, "@pulumi/")
	}
	version := info.Pulumi.Version
	if version == "" {
		version = info.Version
	}
	if version == "" {
		return nil, fmt.Errorf("%s: missing expected \"version\" property", path)
	}
	if !strings.HasPrefix(version, "v") {
		version = "v" + version
	}
	dependency := &pulumirpc.PackageDependency{Name: name, Kind: "resource", Version: version, Server: info.Pulumi.Server}
	if p := info.Pulumi.Parameterization; p != nil {
		dependency.Parameterization = &pulumirpc.PackageParameterization{Name: p.Name, Version: p.Version, Value: p.Value}
	}
	return dependency, nil
}
