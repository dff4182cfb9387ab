module github.com/apienvelope/envelope/adapters/xrate

go 1.24.0

require (
	github.com/apienvelope/envelope v0.0.0-00010101000000-000000000000
	github.com/stretchr/testify v1.12.1
	golang.org/x/time v0.14.0
)

require (
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	golang.org/x/text v0.34.0 // indirect
)
