// libxml2's push parser and SAX2 interface, for streaming a workbook's XML (Debian: libxml2-dev).
// Debian builds libxml2 with ICU, whose headers would then enter this module and clash with the ICU that Foundation
// bundles (both define UErrorCode). The parser's API does not depend on ICU, so its headers are left out.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
