module github.com/slipway-dev/${{ values.name }}

go 1.19
