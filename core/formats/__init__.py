"""Date formats per language where Django's own do not suit the programme (see settings.FORMAT_MODULE_PATH)."""
