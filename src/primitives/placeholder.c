typedef int sato_placeholder_t;
