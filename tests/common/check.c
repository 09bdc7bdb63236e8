#include "check.h"

unsigned check_passed, check_failed;

int check_summary(void)
{
    printf("%u passed, %u failed\n", check_passed, check_failed);
    return check_failed == 0 && check_passed > 0 ? 0 : 1;
}
