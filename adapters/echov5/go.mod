module github.com/apienvelope/envelope/adapters/echov5

go 1.25.0

require (
	github.com/apienvelope/envelope v0.0.0-00010101000000-000000000000
	github.com/labstack/echo/v5 v5.4.6
	github.com/stretchr/testify v1.12.1
	golang.org/x/text v0.40.0
)

require (
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	golang.org/x/time v0.15.0 // indirect
)
