package envelope

import (
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

// This file holds the messages that ship with the package: every built-in
// code, the common field keys and the library's own messages, in English,
// German, French, Spanish, Japanese and Brazilian Portuguese. English code
// messages are the defaults of the code table (codes.go), so that the two
// cannot drift apart.

// The keys of the library's own messages, each with the code of the error
// that carries it (libraryCodes).
const (
	keyBodyLimit        = "body_limit"
	keyJSONMediaType    = "json_media_type"
	keyJSONEmpty        = "json_empty"
	keyJSONSyntax       = "json_syntax"
	keyJSONBodyObject   = "json_body_object"
	keyJSONBodyArray    = "json_body_array"
	keyJSONBodyValue    = "json_body_value"
	keyJSONFieldType    = "json_field_type"
	keyJSONTruncated    = "json_truncated"
	keyJSONUnknownField = "json_unknown_field"
	keyJSONTrailing     = "json_trailing"
	keyJSONInvalid      = "json_invalid"
)

// libraryCodes maps each library message key to the code of its errors.
var libraryCodes = map[string]Code{
	keyBodyLimit:        CodePayloadTooLarge,
	keyJSONMediaType:    CodeUnsupportedMediaType,
	keyJSONEmpty:        CodeInvalidRequest,
	keyJSONSyntax:       CodeInvalidRequest,
	keyJSONBodyObject:   CodeInvalidRequest,
	keyJSONBodyArray:    CodeInvalidRequest,
	keyJSONBodyValue:    CodeInvalidRequest,
	keyJSONFieldType:    CodeInvalidRequest,
	keyJSONTruncated:    CodeInvalidRequest,
	keyJSONUnknownField: CodeInvalidRequest,
	keyJSONTrailing:     CodeInvalidRequest,
	keyJSONInvalid:      CodeInvalidRequest,
}

// libraryEN holds the English library messages.
var libraryEN = map[string]string{
	keyBodyLimit:        "The request body must not exceed {0} bytes.",
	keyJSONMediaType:    "The request body must be JSON (Content-Type: application/json).",
	keyJSONEmpty:        "The request body is empty.",
	keyJSONSyntax:       "The request body is not valid JSON (syntax error at byte {0}).",
	keyJSONBodyObject:   "The request body must be a JSON object.",
	keyJSONBodyArray:    "The request body must be a JSON array.",
	keyJSONBodyValue:    "The request body does not have the expected JSON type.",
	keyJSONFieldType:    "A field of the request body has the wrong type.",
	keyJSONTruncated:    "The request body is truncated.",
	keyJSONUnknownField: "The request body has an unknown field.",
	keyJSONTrailing:     "The request body must hold a single JSON value.",
	keyJSONInvalid:      "The request body could not be decoded.",
}

// plainInt is a number in a library message, such as a byte limit or a
// byte offset. It prints as plain digits in every language ("1048576",
// never "1,048,576"), as the English library texts have always written
// such numbers, and selects plural forms like an integer.
type plainInt int64

// String returns the digits of n.
func (n plainInt) String() string { return strconv.FormatInt(int64(n), 10) }

// PluralForm implements [plural.Interface], so that a catalog may give a
// library message plural forms on its number.
func (n plainInt) PluralForm(t language.Tag, _ int) (plural.Form, int) {
	i := int(int64(n) % 10_000_000) // as plural.Interface allows
	if i < 0 {
		i = -i
	}
	return plural.Cardinal.MatchPlural(t, i, 0, 0, 0, 0), i
}

// englishMessage returns the English library message key with args
// substituted plainly (no locale formatting), for [APIError.Message]; a
// writer renders it through its [Localizer]. Like the writer, it reports
// false when args are too few for the message.
func englishMessage(key string, args []any) (string, bool) {
	t, ok := libraryEN[key]
	if !ok {
		return "", false
	}
	var b strings.Builder
	for i := 0; i < len(t); i++ {
		c := t[i]
		if c == '{' && i+1 < len(t) && t[i+1] == '{' {
			b.WriteByte('{')
			i++
			continue
		}
		if c == '{' {
			end := strings.IndexByte(t[i:], '}')
			if n, err := strconv.Atoi(t[i+1 : i+end]); err == nil {
				if n >= len(args) {
					return "", false
				}
				fmt.Fprint(&b, args[n])
				i += end
				continue
			}
		}
		b.WriteByte(c)
	}
	return b.String(), true
}

// builtinCatalog returns a fresh copy of the shipped messages.
func builtinCatalog() Catalog {
	en := Messages{Codes: make(map[Code]Message, len(builtins)), Fields: builtinFieldsEN(), Library: texts(libraryEN)}
	for _, info := range builtins {
		en.Codes[info.Code] = Message{Text: info.Message}
	}
	return Catalog{
		"en":    en,
		"de":    {Codes: texts(builtinCodesDE()), Fields: builtinFieldsDE(), Library: texts(libraryDE())},
		"fr":    {Codes: texts(builtinCodesFR()), Fields: builtinFieldsFR(), Library: texts(libraryFR())},
		"es":    {Codes: texts(builtinCodesES()), Fields: builtinFieldsES(), Library: texts(libraryES())},
		"ja":    {Codes: texts(builtinCodesJA()), Fields: builtinFieldsJA(), Library: texts(libraryJA())},
		"pt-BR": {Codes: texts(builtinCodesPT()), Fields: builtinFieldsPT(), Library: texts(libraryPT())},
	}
}

func texts[K ~string](m map[K]string) map[K]Message {
	out := make(map[K]Message, len(m))
	for k, v := range m {
		out[k] = Message{Text: v}
	}
	return out
}

// typeFields returns the messages of the field keys type_<kind> that
// request decoding uses for a value of the wrong JSON type, in the order
// string, boolean, integer, unsigned, number, array, object, value.
func typeFields(m map[string]Message, texts ...string) map[string]Message {
	for i, kind := range [...]string{"string", "boolean", "integer", "unsigned", "number", "array", "object", "value"} {
		m["type_"+kind] = Message{Text: texts[i]}
	}
	return m
}

// countForms is a plural message on argument 0 with "one" and "other".
func countForms(one, other string) Message {
	return Message{Plural: map[string]string{"one": one, "other": other}}
}

func builtinFieldsEN() map[string]Message {
	return typeFields(map[string]Message{
		"required":   {Text: "is required"},
		"invalid":    {Text: "is invalid"},
		"unknown":    {Text: "is not a known field"},
		"type":       {Text: "must be of type {0}"},
		"email":      {Text: "must be a valid email address"},
		"url":        {Text: "must be a valid URL"},
		"uuid":       {Text: "must be a valid UUID"},
		"pattern":    {Text: "has an invalid format"},
		"oneof":      {Text: "must be one of: {0}"},
		"min":        {Text: "must be at least {0}"},
		"max":        {Text: "must be at most {0}"},
		"min_length": countForms("must be at least {0} character long", "must be at least {0} characters long"),
		"max_length": countForms("must be at most {0} character long", "must be at most {0} characters long"),
		"len":        countForms("must be exactly {0} character long", "must be exactly {0} characters long"),
		"min_items":  countForms("must contain at least {0} item", "must contain at least {0} items"),
		"max_items":  countForms("must contain at most {0} item", "must contain at most {0} items"),
	}, "must be a string", "must be a boolean", "must be an integer", "must be a non-negative integer", "must be a number", "must be an array", "must be an object", "has the wrong type")
}

func builtinCodesDE() map[Code]string {
	return map[Code]string{
		CodeInvalidRequest:       "Die Anfrage ist fehlerhaft.",
		CodeValidation:           "Ein oder mehrere Felder sind ungültig.",
		CodeUnauthorized:         "Eine Authentifizierung ist erforderlich.",
		CodePaymentRequired:      "Dafür ist ein aktives Abonnement erforderlich.",
		CodeForbidden:            "Sie sind nicht berechtigt, diese Aktion auszuführen.",
		CodeNotFound:             "Die angeforderte Ressource wurde nicht gefunden.",
		CodeMethodNotAllowed:     "Die Anfragemethode wird für diese Ressource nicht unterstützt.",
		CodeNotAcceptable:        "Es ist keine annehmbare Darstellung verfügbar.",
		CodeConflict:             "Die Anfrage steht im Widerspruch zum aktuellen Zustand der Ressource.",
		CodeGone:                 "Die angeforderte Ressource ist nicht mehr verfügbar.",
		CodePreconditionFailed:   "Eine Vorbedingung der Anfrage ist nicht erfüllt.",
		CodePayloadTooLarge:      "Der Inhalt der Anfrage ist zu groß.",
		CodeUnsupportedMediaType: "Der Medientyp des Anfrageinhalts wird nicht unterstützt.",
		CodeUnprocessable:        "Die Anfrage konnte nicht verarbeitet werden.",
		CodeRateLimited:          "Zu viele Anfragen. Bitte versuchen Sie es später erneut.",
		CodeCanceled:             "Die Anfrage wurde abgebrochen.",
		CodeInternal:             "Es ist ein interner Fehler aufgetreten.",
		CodeNotImplemented:       "Diese Funktion ist nicht implementiert.",
		CodeBadGateway:           "Ein vorgelagerter Dienst hat eine ungültige Antwort geliefert.",
		CodeUnavailable:          "Der Dienst ist vorübergehend nicht verfügbar. Bitte versuchen Sie es später erneut.",
		CodeTimeout:              "Bei der Anfrage ist eine Zeitüberschreitung aufgetreten.",
	}
}

func builtinFieldsDE() map[string]Message {
	return typeFields(map[string]Message{
		"required":   {Text: "ist erforderlich"},
		"invalid":    {Text: "ist ungültig"},
		"unknown":    {Text: "ist kein bekanntes Feld"},
		"type":       {Text: "muss vom Typ {0} sein"},
		"email":      {Text: "muss eine gültige E-Mail-Adresse sein"},
		"url":        {Text: "muss eine gültige URL sein"},
		"uuid":       {Text: "muss eine gültige UUID sein"},
		"pattern":    {Text: "hat ein ungültiges Format"},
		"oneof":      {Text: "muss einer der folgenden Werte sein: {0}"},
		"min":        {Text: "muss mindestens {0} sein"},
		"max":        {Text: "darf höchstens {0} sein"},
		"min_length": countForms("muss mindestens ein Zeichen lang sein", "muss mindestens {0} Zeichen lang sein"),
		"max_length": countForms("darf höchstens ein Zeichen lang sein", "darf höchstens {0} Zeichen lang sein"),
		"len":        countForms("muss genau ein Zeichen lang sein", "muss genau {0} Zeichen lang sein"),
		"min_items":  countForms("muss mindestens einen Eintrag enthalten", "muss mindestens {0} Einträge enthalten"),
		"max_items":  countForms("darf höchstens einen Eintrag enthalten", "darf höchstens {0} Einträge enthalten"),
	}, "muss eine Zeichenkette sein", "muss ein Wahrheitswert sein", "muss eine ganze Zahl sein", "muss eine nicht negative ganze Zahl sein", "muss eine Zahl sein", "muss ein Array sein", "muss ein Objekt sein", "hat den falschen Typ")
}

func builtinCodesFR() map[Code]string {
	return map[Code]string{
		CodeInvalidRequest:       "La requête est mal formée.",
		CodeValidation:           "Un ou plusieurs champs ne sont pas valides.",
		CodeUnauthorized:         "Une authentification est requise.",
		CodePaymentRequired:      "Un abonnement actif est requis.",
		CodeForbidden:            "Vous n’avez pas l’autorisation d’effectuer cette action.",
		CodeNotFound:             "La ressource demandée est introuvable.",
		CodeMethodNotAllowed:     "La méthode de la requête n’est pas prise en charge pour cette ressource.",
		CodeNotAcceptable:        "Aucune représentation acceptable n’est disponible.",
		CodeConflict:             "La requête est en conflit avec l’état actuel de la ressource.",
		CodeGone:                 "La ressource demandée n’est plus disponible.",
		CodePreconditionFailed:   "Une condition préalable de la requête n’est pas remplie.",
		CodePayloadTooLarge:      "Le corps de la requête est trop volumineux.",
		CodeUnsupportedMediaType: "Le type de média du corps de la requête n’est pas pris en charge.",
		CodeUnprocessable:        "La requête n’a pas pu être traitée.",
		CodeRateLimited:          "Trop de requêtes. Veuillez réessayer plus tard.",
		CodeCanceled:             "La requête a été annulée.",
		CodeInternal:             "Une erreur interne s’est produite.",
		CodeNotImplemented:       "Cette fonctionnalité n’est pas implémentée.",
		CodeBadGateway:           "Un service en amont a renvoyé une réponse non valide.",
		CodeUnavailable:          "Le service est temporairement indisponible. Veuillez réessayer plus tard.",
		CodeTimeout:              "Le délai d’attente de la requête a expiré.",
	}
}

func builtinFieldsFR() map[string]Message {
	return typeFields(map[string]Message{
		"required":   {Text: "est obligatoire"},
		"invalid":    {Text: "n’est pas valide"},
		"unknown":    {Text: "n’est pas un champ reconnu"},
		"type":       {Text: "doit être de type {0}"},
		"email":      {Text: "doit être une adresse e-mail valide"},
		"url":        {Text: "doit être une URL valide"},
		"uuid":       {Text: "doit être un UUID valide"},
		"pattern":    {Text: "n’a pas un format valide"},
		"oneof":      {Text: "doit être l’une des valeurs suivantes\u00a0: {0}"},
		"min":        {Text: "doit être supérieur ou égal à {0}"},
		"max":        {Text: "doit être inférieur ou égal à {0}"},
		"min_length": countForms("doit contenir au moins {0} caractère", "doit contenir au moins {0} caractères"),
		"max_length": countForms("ne doit pas dépasser {0} caractère", "ne doit pas dépasser {0} caractères"),
		"len":        countForms("doit contenir exactement {0} caractère", "doit contenir exactement {0} caractères"),
		"min_items":  countForms("doit contenir au moins {0} élément", "doit contenir au moins {0} éléments"),
		"max_items":  countForms("doit contenir au plus {0} élément", "doit contenir au plus {0} éléments"),
	}, "doit être une chaîne de caractères", "doit être un booléen", "doit être un entier", "doit être un entier positif ou nul", "doit être un nombre", "doit être un tableau", "doit être un objet", "a un type incorrect")
}

func builtinCodesES() map[Code]string {
	return map[Code]string{
		CodeInvalidRequest:       "La solicitud está mal formada.",
		CodeValidation:           "Uno o más campos no son válidos.",
		CodeUnauthorized:         "Se requiere autenticación.",
		CodePaymentRequired:      "Se requiere una suscripción activa.",
		CodeForbidden:            "No tiene permiso para realizar esta acción.",
		CodeNotFound:             "No se encontró el recurso solicitado.",
		CodeMethodNotAllowed:     "Este recurso no admite el método de la solicitud.",
		CodeNotAcceptable:        "No hay ninguna representación aceptable disponible.",
		CodeConflict:             "La solicitud entra en conflicto con el estado actual del recurso.",
		CodeGone:                 "El recurso solicitado ya no está disponible.",
		CodePreconditionFailed:   "No se cumplió una condición previa de la solicitud.",
		CodePayloadTooLarge:      "El cuerpo de la solicitud es demasiado grande.",
		CodeUnsupportedMediaType: "El tipo de medio del cuerpo de la solicitud no es compatible.",
		CodeUnprocessable:        "No se pudo procesar la solicitud.",
		CodeRateLimited:          "Demasiadas solicitudes. Vuelva a intentarlo más tarde.",
		CodeCanceled:             "Se canceló la solicitud.",
		CodeInternal:             "Se produjo un error interno.",
		CodeNotImplemented:       "Esta funcionalidad no está implementada.",
		CodeBadGateway:           "Un servicio externo devolvió una respuesta no válida.",
		CodeUnavailable:          "El servicio no está disponible temporalmente. Vuelva a intentarlo más tarde.",
		CodeTimeout:              "Se agotó el tiempo de espera de la solicitud.",
	}
}

func builtinFieldsES() map[string]Message {
	return typeFields(map[string]Message{
		"required":   {Text: "es obligatorio"},
		"invalid":    {Text: "no es válido"},
		"unknown":    {Text: "no es un campo reconocido"},
		"type":       {Text: "debe ser de tipo {0}"},
		"email":      {Text: "debe ser una dirección de correo electrónico válida"},
		"url":        {Text: "debe ser una URL válida"},
		"uuid":       {Text: "debe ser un UUID válido"},
		"pattern":    {Text: "tiene un formato no válido"},
		"oneof":      {Text: "debe ser uno de los siguientes valores: {0}"},
		"min":        {Text: "debe ser mayor o igual que {0}"},
		"max":        {Text: "debe ser menor o igual que {0}"},
		"min_length": countForms("debe tener al menos {0} carácter", "debe tener al menos {0} caracteres"),
		"max_length": countForms("no debe superar {0} carácter", "no debe superar {0} caracteres"),
		"len":        countForms("debe tener exactamente {0} carácter", "debe tener exactamente {0} caracteres"),
		"min_items":  countForms("debe contener al menos {0} elemento", "debe contener al menos {0} elementos"),
		"max_items":  countForms("debe contener como máximo {0} elemento", "debe contener como máximo {0} elementos"),
	}, "debe ser una cadena", "debe ser un booleano", "debe ser un número entero", "debe ser un número entero no negativo", "debe ser un número", "debe ser un arreglo", "debe ser un objeto", "tiene un tipo incorrecto")
}

func builtinCodesJA() map[Code]string {
	return map[Code]string{
		CodeInvalidRequest:       "リクエストの形式が正しくありません。",
		CodeValidation:           "1つ以上の項目の値が正しくありません。",
		CodeUnauthorized:         "認証が必要です。",
		CodePaymentRequired:      "有効なサブスクリプションが必要です。",
		CodeForbidden:            "この操作を実行する権限がありません。",
		CodeNotFound:             "要求されたリソースが見つかりません。",
		CodeMethodNotAllowed:     "このリソースでは、そのリクエストメソッドは使用できません。",
		CodeNotAcceptable:        "受け入れ可能な表現形式がありません。",
		CodeConflict:             "リクエストがリソースの現在の状態と競合しています。",
		CodeGone:                 "要求されたリソースは既に利用できません。",
		CodePreconditionFailed:   "リクエストの前提条件が満たされていません。",
		CodePayloadTooLarge:      "リクエストの本文が大きすぎます。",
		CodeUnsupportedMediaType: "リクエスト本文のメディアタイプはサポートされていません。",
		CodeUnprocessable:        "リクエストを処理できませんでした。",
		CodeRateLimited:          "リクエストが多すぎます。しばらくしてから再度お試しください。",
		CodeCanceled:             "リクエストはキャンセルされました。",
		CodeInternal:             "内部エラーが発生しました。",
		CodeNotImplemented:       "この機能は実装されていません。",
		CodeBadGateway:           "上流のサービスから無効な応答が返されました。",
		CodeUnavailable:          "サービスは一時的に利用できません。しばらくしてから再度お試しください。",
		CodeTimeout:              "リクエストがタイムアウトしました。",
	}
}

// Japanese has a single plural form, so its count messages are plain
// templates.
func builtinFieldsJA() map[string]Message {
	return typeFields(map[string]Message{
		"required":   {Text: "必須です"},
		"invalid":    {Text: "値が正しくありません"},
		"unknown":    {Text: "不明な項目です"},
		"type":       {Text: "{0}型である必要があります"},
		"email":      {Text: "有効なメールアドレスを入力してください"},
		"url":        {Text: "有効なURLを入力してください"},
		"uuid":       {Text: "有効なUUIDを入力してください"},
		"pattern":    {Text: "形式が正しくありません"},
		"oneof":      {Text: "次のいずれかである必要があります: {0}"},
		"min":        {Text: "{0}以上である必要があります"},
		"max":        {Text: "{0}以下である必要があります"},
		"min_length": {Text: "{0}文字以上で入力してください"},
		"max_length": {Text: "{0}文字以内で入力してください"},
		"len":        {Text: "{0}文字で入力してください"},
		"min_items":  {Text: "{0}件以上の要素が必要です"},
		"max_items":  {Text: "要素は{0}件以下にしてください"},
	}, "文字列である必要があります", "真偽値である必要があります", "整数である必要があります", "0以上の整数である必要があります", "数値である必要があります", "配列である必要があります", "オブジェクトである必要があります", "型が正しくありません")
}

func builtinCodesPT() map[Code]string {
	return map[Code]string{
		CodeInvalidRequest:       "A requisição está malformada.",
		CodeValidation:           "Um ou mais campos são inválidos.",
		CodeUnauthorized:         "É necessário se autenticar.",
		CodePaymentRequired:      "É necessária uma assinatura ativa.",
		CodeForbidden:            "Você não tem permissão para realizar esta ação.",
		CodeNotFound:             "O recurso solicitado não foi encontrado.",
		CodeMethodNotAllowed:     "O método da requisição não é suportado por este recurso.",
		CodeNotAcceptable:        "Nenhuma representação aceitável está disponível.",
		CodeConflict:             "A requisição entra em conflito com o estado atual do recurso.",
		CodeGone:                 "O recurso solicitado não está mais disponível.",
		CodePreconditionFailed:   "Uma pré-condição da requisição não foi atendida.",
		CodePayloadTooLarge:      "O corpo da requisição é grande demais.",
		CodeUnsupportedMediaType: "O tipo de mídia do corpo da requisição não é suportado.",
		CodeUnprocessable:        "Não foi possível processar a requisição.",
		CodeRateLimited:          "Muitas requisições. Tente novamente mais tarde.",
		CodeCanceled:             "A requisição foi cancelada.",
		CodeInternal:             "Ocorreu um erro interno.",
		CodeNotImplemented:       "Esta funcionalidade não foi implementada.",
		CodeBadGateway:           "Um serviço externo retornou uma resposta inválida.",
		CodeUnavailable:          "O serviço está temporariamente indisponível. Tente novamente mais tarde.",
		CodeTimeout:              "O tempo limite da requisição se esgotou.",
	}
}

func builtinFieldsPT() map[string]Message {
	return typeFields(map[string]Message{
		"required":   {Text: "é obrigatório"},
		"invalid":    {Text: "é inválido"},
		"unknown":    {Text: "não é um campo reconhecido"},
		"type":       {Text: "deve ser do tipo {0}"},
		"email":      {Text: "deve ser um endereço de e-mail válido"},
		"url":        {Text: "deve ser uma URL válida"},
		"uuid":       {Text: "deve ser um UUID válido"},
		"pattern":    {Text: "tem um formato inválido"},
		"oneof":      {Text: "deve ser um dos seguintes valores: {0}"},
		"min":        {Text: "deve ser maior ou igual a {0}"},
		"max":        {Text: "deve ser menor ou igual a {0}"},
		"min_length": countForms("deve ter pelo menos {0} caractere", "deve ter pelo menos {0} caracteres"),
		"max_length": countForms("deve ter no máximo {0} caractere", "deve ter no máximo {0} caracteres"),
		"len":        countForms("deve ter exatamente {0} caractere", "deve ter exatamente {0} caracteres"),
		"min_items":  countForms("deve conter pelo menos {0} item", "deve conter pelo menos {0} itens"),
		"max_items":  countForms("deve conter no máximo {0} item", "deve conter no máximo {0} itens"),
	}, "deve ser uma string", "deve ser um booleano", "deve ser um número inteiro", "deve ser um número inteiro não negativo", "deve ser um número", "deve ser um array", "deve ser um objeto", "tem o tipo incorreto")
}

func libraryDE() map[string]string {
	return map[string]string{
		keyBodyLimit:        "Der Inhalt der Anfrage darf höchstens {0} Bytes groß sein.",
		keyJSONMediaType:    "Der Inhalt der Anfrage muss JSON sein (Content-Type: application/json).",
		keyJSONEmpty:        "Der Inhalt der Anfrage ist leer.",
		keyJSONSyntax:       "Der Inhalt der Anfrage ist kein gültiges JSON (Syntaxfehler bei Byte {0}).",
		keyJSONBodyObject:   "Der Inhalt der Anfrage muss ein JSON-Objekt sein.",
		keyJSONBodyArray:    "Der Inhalt der Anfrage muss ein JSON-Array sein.",
		keyJSONBodyValue:    "Der Inhalt der Anfrage hat nicht den erwarteten JSON-Typ.",
		keyJSONFieldType:    "Ein Feld der Anfrage hat den falschen Typ.",
		keyJSONTruncated:    "Der Inhalt der Anfrage ist unvollständig.",
		keyJSONUnknownField: "Die Anfrage enthält ein unbekanntes Feld.",
		keyJSONTrailing:     "Der Inhalt der Anfrage darf nur einen JSON-Wert enthalten.",
		keyJSONInvalid:      "Der Inhalt der Anfrage konnte nicht gelesen werden.",
	}
}

func libraryFR() map[string]string {
	return map[string]string{
		keyBodyLimit:        "Le corps de la requête ne doit pas dépasser {0} octets.",
		keyJSONMediaType:    "Le corps de la requête doit être du JSON (Content-Type: application/json).",
		keyJSONEmpty:        "Le corps de la requête est vide.",
		keyJSONSyntax:       "Le corps de la requête n’est pas du JSON valide (erreur de syntaxe à l’octet {0}).",
		keyJSONBodyObject:   "Le corps de la requête doit être un objet JSON.",
		keyJSONBodyArray:    "Le corps de la requête doit être un tableau JSON.",
		keyJSONBodyValue:    "Le corps de la requête n’a pas le type JSON attendu.",
		keyJSONFieldType:    "Un champ du corps de la requête a un type incorrect.",
		keyJSONTruncated:    "Le corps de la requête est tronqué.",
		keyJSONUnknownField: "Le corps de la requête contient un champ inconnu.",
		keyJSONTrailing:     "Le corps de la requête doit contenir une seule valeur JSON.",
		keyJSONInvalid:      "Le corps de la requête n’a pas pu être lu.",
	}
}

func libraryES() map[string]string {
	return map[string]string{
		keyBodyLimit:        "El cuerpo de la solicitud no debe superar los {0} bytes.",
		keyJSONMediaType:    "El cuerpo de la solicitud debe ser JSON (Content-Type: application/json).",
		keyJSONEmpty:        "El cuerpo de la solicitud está vacío.",
		keyJSONSyntax:       "El cuerpo de la solicitud no es JSON válido (error de sintaxis en el byte {0}).",
		keyJSONBodyObject:   "El cuerpo de la solicitud debe ser un objeto JSON.",
		keyJSONBodyArray:    "El cuerpo de la solicitud debe ser un arreglo JSON.",
		keyJSONBodyValue:    "El cuerpo de la solicitud no tiene el tipo JSON esperado.",
		keyJSONFieldType:    "Un campo del cuerpo de la solicitud tiene un tipo incorrecto.",
		keyJSONTruncated:    "El cuerpo de la solicitud está incompleto.",
		keyJSONUnknownField: "El cuerpo de la solicitud tiene un campo desconocido.",
		keyJSONTrailing:     "El cuerpo de la solicitud debe contener un único valor JSON.",
		keyJSONInvalid:      "No se pudo leer el cuerpo de la solicitud.",
	}
}

func libraryJA() map[string]string {
	return map[string]string{
		keyBodyLimit:        "リクエスト本文は{0}バイト以下である必要があります。",
		keyJSONMediaType:    "リクエスト本文はJSONである必要があります（Content-Type: application/json）。",
		keyJSONEmpty:        "リクエスト本文が空です。",
		keyJSONSyntax:       "リクエスト本文が有効なJSONではありません（{0}バイト目で構文エラー）。",
		keyJSONBodyObject:   "リクエスト本文はJSONオブジェクトである必要があります。",
		keyJSONBodyArray:    "リクエスト本文はJSON配列である必要があります。",
		keyJSONBodyValue:    "リクエスト本文のJSONの型が正しくありません。",
		keyJSONFieldType:    "リクエスト本文のフィールドの型が正しくありません。",
		keyJSONTruncated:    "リクエスト本文が途中で切れています。",
		keyJSONUnknownField: "リクエスト本文に不明なフィールドがあります。",
		keyJSONTrailing:     "リクエスト本文にはJSONの値を1つだけ含める必要があります。",
		keyJSONInvalid:      "リクエスト本文を読み取れませんでした。",
	}
}

func libraryPT() map[string]string {
	return map[string]string{
		keyBodyLimit:        "O corpo da requisição não deve exceder {0} bytes.",
		keyJSONMediaType:    "O corpo da requisição deve ser JSON (Content-Type: application/json).",
		keyJSONEmpty:        "O corpo da requisição está vazio.",
		keyJSONSyntax:       "O corpo da requisição não é um JSON válido (erro de sintaxe no byte {0}).",
		keyJSONBodyObject:   "O corpo da requisição deve ser um objeto JSON.",
		keyJSONBodyArray:    "O corpo da requisição deve ser um array JSON.",
		keyJSONBodyValue:    "O corpo da requisição não tem o tipo JSON esperado.",
		keyJSONFieldType:    "Um campo do corpo da requisição tem o tipo incorreto.",
		keyJSONTruncated:    "O corpo da requisição está incompleto.",
		keyJSONUnknownField: "O corpo da requisição tem um campo desconhecido.",
		keyJSONTrailing:     "O corpo da requisição deve conter um único valor JSON.",
		keyJSONInvalid:      "Não foi possível ler o corpo da requisição.",
	}
}
