module slipway.dev/example-fleet/workload

go 1.19
