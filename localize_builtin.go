package envelope

// This file holds the messages that ship with the package: every built-in
// code and the common field keys, in English, German, French, Spanish,
// Japanese and Brazilian Portuguese. English code messages are the
// built-in defaults of codes.go, so that the two cannot drift apart.

// builtinCatalog returns a fresh copy of the shipped messages.
func builtinCatalog() Catalog {
	en := Messages{Codes: make(map[Code]Message, len(builtinCodes)), Fields: builtinFieldsEN()}
	for _, c := range builtinCodes {
		en.Codes[c] = Message{Text: builtinMessage(c)}
	}
	return Catalog{
		"en":    en,
		"de":    {Codes: texts(builtinCodesDE()), Fields: builtinFieldsDE()},
		"fr":    {Codes: texts(builtinCodesFR()), Fields: builtinFieldsFR()},
		"es":    {Codes: texts(builtinCodesES()), Fields: builtinFieldsES()},
		"ja":    {Codes: texts(builtinCodesJA()), Fields: builtinFieldsJA()},
		"pt-BR": {Codes: texts(builtinCodesPT()), Fields: builtinFieldsPT()},
	}
}

func texts(m map[Code]string) map[Code]Message {
	out := make(map[Code]Message, len(m))
	for k, v := range m {
		out[k] = Message{Text: v}
	}
	return out
}

// countForms is a plural message on argument 0 with "one" and "other".
func countForms(one, other string) Message {
	return Message{Plural: map[string]string{"one": one, "other": other}}
}

func builtinFieldsEN() map[string]Message {
	return map[string]Message{
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
	}
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
	return map[string]Message{
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
	}
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
	return map[string]Message{
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
	}
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
	return map[string]Message{
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
	}
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
	return map[string]Message{
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
	}
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
	return map[string]Message{
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
	}
}
