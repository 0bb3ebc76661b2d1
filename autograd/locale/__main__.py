from autograd.locale.catalogs import main

main()
