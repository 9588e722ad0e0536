def home(r): pass
def health(r): pass
def page_not_found(r, exception=None): pass
def server_error(r): pass
