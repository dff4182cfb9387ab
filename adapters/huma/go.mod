module github.com/apienvelope/envelope/adapters/huma

go 1.24.1

require (
	github.com/apienvelope/envelope v0.0.0-00010101000000-000000000000
	github.com/danielgtaylor/huma/v2 v2.36.0
	github.com/stretchr/testify v1.12.1
)

require (
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	golang.org/x/net v0.50.0 // indirect
	golang.org/x/text v0.34.0 // indirect
)
