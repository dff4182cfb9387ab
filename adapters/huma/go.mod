module github.com/apienvelope/envelope/adapters/huma

go 1.24.0

replace github.com/apienvelope/envelope => ../..

require (
	github.com/apienvelope/envelope v0.0.0
	github.com/danielgtaylor/huma/v2 v2.35.0
	github.com/stretchr/testify v1.12.1
)

require (
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	golang.org/x/net v0.40.0 // indirect
	golang.org/x/text v0.34.0 // indirect
)
